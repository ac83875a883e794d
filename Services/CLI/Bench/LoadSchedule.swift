/// The timing rules of a `bench allocate` run, apart from the sockets so they can be tested: when
/// the warm-up ends and measuring starts, when measuring stops, and when a paced client sends.
struct LoadSchedule: Sendable {
    /// What ends the measured phase.
    enum Stop: Sendable, Equatable {
        case after(Duration)
        case count(Int)
    }

    let start: ContinuousClock.Instant
    let warmup: Duration
    let stop: Stop
    /// Commands per second over all clients, or nil for closed loops (send as soon as answered).
    let rate: Double?
    let clients: Int

    var measureStart: ContinuousClock.Instant { start + warmup }

    /// In duration mode, the instant after which no measured command is sent.
    var measureEnd: ContinuousClock.Instant? {
        if case .after(let duration) = stop { return measureStart + duration }
        return nil
    }

    /// When client `client` should send its `k`-th command (counted from the start of warm-up), or
    /// nil when unpaced. The total rate is shared evenly: each client sends every `clients / rate`
    /// seconds, the clients offset from each other by `1 / rate`, so together they send evenly.
    /// A client that falls behind sends at once (the caller sends when this instant has passed).
    func sendTime(client: Int, command k: Int) -> ContinuousClock.Instant? {
        guard let rate else { return nil }
        let seconds = Double(client + k * clients) / rate
        return start + .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
