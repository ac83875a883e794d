import Dispatch
import Synchronization

/// Measures freshness: the time from receiving a command's reply to its effect being readable
/// through the query service, which waits server-side until its checkpoint reaches the reply's
/// position (`?min_position=`, read-your-writes).
///
/// One prober thread with its own kept-alive connection probes one order at a time, always the
/// newest allocated reply offered: older ones are superseded, so the prober never builds a queue
/// that would add its own waiting to the figure.
final class FreshnessProbe: Sendable {
    struct Sample: Sendable {
        var orderID: String
        var position: Int
        var receivedAt: ContinuousClock.Instant
    }

    /// Probe latencies of answers with status 200, and the other answers by status (or error).
    struct Tally: Sendable {
        var latencies = Latencies()
        var non200: [String: Int] = [:]
    }

    private let endpoint: HTTPEndpoint
    private let timeout: Duration
    private let newest = Mutex<Sample?>(nil)
    private let stopped = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)

    init(endpoint: HTTPEndpoint, timeout: Duration) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    /// Offers an allocated reply; it replaces any the prober has not taken yet.
    func offer(_ sample: Sample) {
        let wasEmpty = newest.withLock { slot in
            defer { slot = sample }
            return slot == nil
        }
        if wasEmpty { wakeUp.signal() }
    }

    /// Probes on a dedicated thread until `stop()`, then probes what is left and returns.
    func run() async -> Tally {
        await onDedicatedThread(name: "freshness-probe") { self.probeUntilStopped() }
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeUp.signal()
    }

    private func probeUntilStopped() -> Tally {
        let connection = HTTPConnection(endpoint: endpoint, timeout: timeout)
        defer { connection.close() }
        var tally = Tally()
        while true {
            let finishing = stopped.load(ordering: .acquiring)
            if let sample = newest.withLock({ slot in
                defer { slot = nil }; return slot
            }) {
                probe(sample, connection, &tally)
            } else if finishing {
                return tally
            } else {
                _ = wakeUp.wait(timeout: .now() + .milliseconds(100))
            }
        }
    }

    private func probe(_ sample: Sample, _ connection: HTTPConnection, _ tally: inout Tally) {
        do {
            let response = try connection.get("/allocations/\(sample.orderID)?min_position=\(sample.position)")
            let completedAt = ContinuousClock.now
            if response.status == 200 {
                tally.latencies.record(completedAt - sample.receivedAt)
            } else {
                tally.non200[String(response.status), default: 0] += 1
            }
        } catch {
            tally.non200[error.code, default: 0] += 1
        }
    }
}
