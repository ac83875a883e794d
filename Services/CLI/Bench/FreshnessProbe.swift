import Dispatch
import Synchronization

/// Measures freshness: the time from receiving a command's reply to its effect being readable
/// through the query service, which waits server-side until its checkpoint reaches the reply's
/// position (`?min_position=`, read-your-writes).
///
/// Every `sampling`-th allocated reply (counted over all clients) is chosen, and its probe starts at once on an
/// idle prober: several prober threads, each with its own kept-alive connection. A chosen reply
/// never waits for another probe to finish, since that wait is not the read side's and would be
/// counted in the figure (with one prober it was: p99 ~3 ms of waiting at 3,000 commands/s). A reply
/// chosen while every prober is busy is counted as skipped, not probed.
final class FreshnessProbe: Sendable {
    struct Sample: Sendable {
        var orderID: String
        var position: Int
        var receivedAt: ContinuousClock.Instant
    }

    /// Probe latencies of answers with status 200, the other answers by status (or error), and
    /// the chosen replies no prober was free for.
    struct Tally: Sendable {
        var latencies = Latencies()
        var non200: [String: Int] = [:]
        var skipped = 0

        mutating func merge(_ other: Tally) {
            latencies.merge(other.latencies)
            non200.merge(other.non200, uniquingKeysWith: +)
            skipped += other.skipped
        }
    }

    /// One prober thread: the sample handed to it, and the signal that one was.
    private final class Prober: Sendable {
        let sample = Mutex<Sample?>(nil)
        let wakeUp = DispatchSemaphore(value: 0)
    }

    private let endpoint: HTTPEndpoint
    private let timeout: Duration
    private let sampling: Int
    private let probers: [Prober]
    /// Indexes of the probers waiting for a sample.
    private let idle: Mutex<[Int]>
    private let offered = Atomic<Int>(0)
    private let skipped = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    /// - Parameters:
    ///   - sampling: one allocated reply in this many is probed, the first one included.
    ///   - probers: probes that may run at once, each on its own thread and connection.
    init(endpoint: HTTPEndpoint, timeout: Duration, sampling: Int = 8, probers: Int = 8) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.sampling = max(1, sampling)
        self.probers = (0..<max(1, probers)).map { _ in Prober() }
        idle = Mutex(Array(self.probers.indices))
    }

    /// Offers an allocated reply: if chosen, an idle prober reads it at once.
    func offer(_ sample: Sample) {
        guard offered.wrappingAdd(1, ordering: .relaxed).oldValue % sampling == 0 else { return }
        guard let index = idle.withLock({ $0.popLast() }) else {
            skipped.add(1, ordering: .relaxed)
            return
        }
        probers[index].sample.withLock { $0 = sample }
        probers[index].wakeUp.signal()
    }

    /// Probes on the prober threads until `stop()`, then returns what they measured.
    func run() async -> Tally {
        var total = await withTaskGroup(of: Tally.self) { group in
            for index in probers.indices {
                group.addTask {
                    await onDedicatedThread(name: "freshness-probe-\(index)") { self.probeUntilStopped(index) }
                }
            }
            var total = Tally()
            for await tally in group { total.merge(tally) }
            return total
        }
        total.skipped = skipped.load(ordering: .relaxed)
        return total
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        for prober in probers { prober.wakeUp.signal() }
    }

    private func probeUntilStopped(_ index: Int) -> Tally {
        let prober = probers[index]
        let connection = HTTPConnection(endpoint: endpoint, timeout: timeout)
        defer { connection.close() }
        var tally = Tally()
        while true {
            let finishing = stopped.load(ordering: .acquiring)
            if let sample = prober.sample.withLock({ slot in
                defer { slot = nil }; return slot
            }) {
                probe(sample, connection, &tally)
                idle.withLock { $0.append(index) }
            } else if finishing {
                return tally
            } else {
                _ = prober.wakeUp.wait(timeout: .now() + .milliseconds(100))
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
