/// Exponential back-off between retries, from `initial` doubling up to `maximum`.
struct Backoff {
    let initial: Duration
    let maximum: Duration
    private var current: Duration?

    init(initial: Duration = .milliseconds(50), maximum: Duration) {
        self.initial = min(initial, maximum)
        self.maximum = maximum
    }

    mutating func next() -> Duration {
        let delay = current.map { min($0 * 2, maximum) } ?? initial
        current = delay
        return delay
    }

    mutating func reset() { current = nil }
}
