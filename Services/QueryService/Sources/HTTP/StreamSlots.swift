import Synchronization

/// Live update streams (`/events/stream`) open at once, bounded: each holds a connection and a task
/// for up to a minute, so without a bound clients could open them until the service runs out of
/// either. A stream beyond the bound is refused with 503 `too_many_streams` and `Retry-After`.
final class StreamSlots: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) { self.maximum = maximum }

    /// A slot while one is free; it is given back when the returned slot is released, which is when
    /// the response's body that holds it is done or dropped (even a response never written).
    func take() -> Slot? {
        var current = open.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, actual) = open.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return Slot(owner: self) }
            current = actual
        }
        return nil
    }

    var inUse: Int { open.load(ordering: .relaxed) }

    final class Slot: Sendable {
        private let owner: StreamSlots

        fileprivate init(owner: StreamSlots) { self.owner = owner }

        deinit { owner.open.subtract(1, ordering: .acquiringAndReleasing) }
    }
}
