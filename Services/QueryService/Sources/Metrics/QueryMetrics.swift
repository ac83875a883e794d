import Prometheus

/// The read side's Prometheus metrics (`/metrics`). Counters move as things happen; the gauges
/// (checkpoint, head, lag, state) are refreshed from `SyncStatus` whenever it is scraped.
///
/// Each service owns its registry rather than a process-wide one, so several services (in tests)
/// never share numbers; the executable passes one registry in for everything.
public final class QueryMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    let checkpoint: Gauge
    let head: Gauge
    let lag: Gauge
    let connected: Gauge
    let halted: Gauge
    let applyRate: Gauge
    let liveEventsApplied: Counter
    let replayedEventsApplied: Counter
    let batchesApplied: Counter
    let duplicatesDiscarded: Counter
    let gapsDetected: Counter
    let replayRequests: Counter
    let replayFailures: Counter
    let reconnects: Counter
    let applyFailures: Counter
    let batchDuration: DurationHistogram
    let readsWaited: Counter
    let staleReads: Counter
    let eventLoopAnswers: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func gauge(_ name: String, _ unit: String = "", _ help: String) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "cosmic_query", metricName: name, unitName: unit, helpText: help))
        }
        func counter(_ name: String, _ help: String, labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "cosmic_query", metricName: name, unitName: "total", helpText: help),
                labels: labels)
        }
        checkpoint = gauge("checkpoint", "position", "Last event position applied to the projections.")
        head = gauge("head", "position", "Highest event position known to exist upstream.")
        lag = gauge("lag", "events", "Events known upstream but not applied yet (head - checkpoint).")
        connected = gauge("connected", "", "1 while the command service's sockets answer, else 0.")
        halted = gauge("halted", "", "1 once the subscriber stopped: an event it cannot apply, or another event log.")
        applyRate = gauge("apply_rate", "events_per_second", "Events applied per second, over the last 10 s.")
        liveEventsApplied = counter(
            "events_applied", "Events applied, by how they arrived.", labels: [("source", "live")])
        replayedEventsApplied = counter(
            "events_applied", "Events applied, by how they arrived.", labels: [("source", "replay")])
        batchesApplied = counter("batches_applied", "SQLite transactions that applied events.")
        duplicatesDiscarded = counter("duplicates_discarded", "Live events at or below the checkpoint, dropped.")
        gapsDetected = counter("gaps_detected", "Live events past checkpoint + 1 that triggered a replay.")
        replayRequests = counter("replay_requests", "Requests sent to the replay socket.")
        replayFailures = counter("replay_failures", "Replay requests that failed or timed out.")
        reconnects = counter("reconnects", "Times the events socket was recreated after silence.")
        applyFailures = counter("apply_failures", "Batches whose transaction failed and was retried.")
        readsWaited = counter("reads_waited", "Reads with min_position that had to wait.")
        staleReads = counter("stale_reads", "Reads with min_position answered 503 because the wait ran out.")
        eventLoopAnswers = counter(
            "event_loop_answers",
            "Reads answered on the event loop, without the router (allocation lookups, waiting ones too; the cached dashboard)."
        )
        batchDuration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic_query", metricName: "batch_apply_duration", unitName: "seconds",
                helpText: "Time to apply one batch of events in SQLite."),
            buckets: [
                .milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500),
                .seconds(2),
            ])
    }

    /// Sets the gauges from the current status (called before each scrape).
    func refresh(_ status: SyncStatus, applyRate rate: Double) {
        checkpoint.set(Double(status.checkpoint))
        head.set(Double(status.head))
        lag.set(Double(status.lag))
        connected.set(status.connected ? 1.0 : 0.0)
        halted.set(status.phase == .halted ? 1.0 : 0.0)
        applyRate.set(rate)
    }

    /// The Prometheus text exposition of everything registered.
    public func exposition() -> String { registry.emitToString() }
}
