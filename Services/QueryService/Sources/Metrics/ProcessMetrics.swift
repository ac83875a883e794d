import Metrics
import Prometheus

extension QueryMetrics {
    /// Routes swift-metrics (what libraries such as Hummingbird record) into this registry, so one
    /// `/metrics` shows everything. Process-wide and once only: the executable calls it, tests do not.
    public func bootstrapProcessMetrics() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
