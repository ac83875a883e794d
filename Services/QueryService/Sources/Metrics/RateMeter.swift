import Synchronization

/// Events per second over a sliding window of whole seconds: the dashboard's and `/metrics`' apply
/// rate. Cheap enough to call on every batch.
final class RateMeter: Sendable {
    private struct State {
        var buckets: [(second: Int64, count: Int)] = []
    }

    private let window: Int64
    private let origin = ContinuousClock.now
    private let state = Mutex(State())

    init(windowSeconds: Int = 10) { window = Int64(max(1, windowSeconds)) }

    func record(_ count: Int, at instant: ContinuousClock.Instant = .now) {
        let second = (instant - origin).components.seconds
        state.withLock { state in
            if let last = state.buckets.last, last.second == second {
                state.buckets[state.buckets.count - 1].count += count
            } else {
                state.buckets.append((second, count))
            }
            state.buckets.removeAll { $0.second <= second - window }
        }
    }

    func perSecond(at instant: ContinuousClock.Instant = .now) -> Double {
        let second = (instant - origin).components.seconds
        let total = state.withLock { state in
            state.buckets.filter { $0.second > second - window }.reduce(0) { $0 + $1.count }
        }
        return Double(total) / Double(window)
    }
}
