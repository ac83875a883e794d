import Prometheus
import Synchronization

/// The command service's metrics, kept in one Prometheus registry per running service.
///
/// A registry of its own (rather than the process-wide `MetricsSystem`) lets tests run several
/// services in one process and read each one's `/metrics` alone.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10),
    ]
    private let published: Counter
    private let head: Gauge
    private let backlog: Gauge
    private let leader: Gauge
    private let groups: Counter
    private let groupedCommands: Counter
    private let cachedGroups: Counter
    /// Each answered command's counter and its type's histogram, by type, status and outcome:
    /// looked up here rather than in the registry, which builds and checks every name and help
    /// text again at each lookup (2% of this service's CPU, one lookup pair per command).
    private let answered = Mutex<[CommandLabels: (count: Counter, duration: DurationHistogram)]>([:])

    private struct CommandLabels: Hashable {
        let type: String
        let status: String
        let outcome: String
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        published = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", metricName: "events_published", unitName: "total",
                helpText: "Events this instance's outbox relay published on the PUB socket."))
        head = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "relay", metricName: "head", unitName: "position",
                helpText: "The event log's head as the relay last read it."))
        backlog = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "relay", metricName: "backlog", unitName: "events",
                helpText: "Positioned events not yet published, as the relay last saw them."))
        leader = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "relay", metricName: "leader", unitName: "",
                helpText: "1 while this instance's relay holds the publishing lock."))
        groups = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "group_commit", metricName: "groups", unitName: "total",
                helpText: "Groups of allocations handled in one transaction (a group of one included)."))
        groupedCommands = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "group_commit", metricName: "commands", unitName: "total",
                helpText: "Allocations handled in groups; divided by the groups, the mean group size."))
        cachedGroups = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "group_commit", metricName: "cached", unitName: "total",
                helpText: "Groups whose products were all in the product cache: nothing read before their flush."))
    }

    /// A policy's command committed `seconds` after the event that called for it.
    @Sendable func policyReacted(lag seconds: Double) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "cosmic", subsystem: "policy", metricName: "lag", unitName: "seconds",
                helpText: "Time from an event's commit to the commit of a command a policy sent for it."),
            buckets: latencyBuckets
        ).record(.milliseconds(Int64(seconds * 1000)))
    }

    /// A group of `size` allocations was handled in one unit of work.
    @Sendable func groupHandled(size: Int) {
        groups.increment()
        groupedCommands.increment(by: Int64(size))
    }

    /// A group looked its products up in the product cache, and found them all (or not).
    @Sendable func productCacheLookedUp(found: Bool) {
        if found { cachedGroups.increment() }
    }

    /// One answered command: `status` is ok, rejected or error; `outcome` the result's outcome or
    /// the error code; `type` the command type (`unknown` when the frame could not be read).
    func command(type: String, status: String, outcome: String, duration: Duration) {
        let key = CommandLabels(type: type, status: status, outcome: outcome)
        let metrics = answered.withLock { answered in
            if let known = answered[key] { return known }
            let made = (
                count: registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        namespace: "cosmic", metricName: "commands", unitName: "total",
                        helpText: "Commands answered, by type, status and outcome or error code."),
                    labels: [("type", type), ("status", status), ("outcome", outcome)]),
                duration: registry.makeDurationHistogram(
                    descriptor: MetricNameDescriptor(
                        namespace: "cosmic", metricName: "command_duration", unitName: "seconds",
                        helpText: "Time from receiving a command to sending its reply."),
                    labels: [("type", type)], buckets: latencyBuckets)
            )
            answered[key] = made
            return made
        }
        metrics.count.increment()
        metrics.duration.record(duration)
    }

    func relayPublished(_ count: Int, head: Int, published: Int) {
        if count > 0 { self.published.increment(by: Int64(count)) }
        self.head.set(to: Double(head))
        backlog.set(to: Double(max(0, head - published)))
    }

    func relayLeadership(_ isLeader: Bool) { leader.set(to: isLeader ? 1.0 : 0.0) }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
