/// The event-log port the entrypoints use: where a committed event stands in the log, for a reply's
/// `position` (read-your-writes). Adapters turn their store's failures into ``UnitOfWorkError``.
public protocol EventPositions: Sendable {
    /// The position of a recently numbered event, known without waiting; nil when it is not.
    func knownPosition(of mark: EventMark) -> Int?

    /// The position of the event marked `mark`, which the caller committed before asking; waits
    /// until it is numbered.
    func position(of mark: EventMark) async throws -> Int
}

/// The event-log port the replay socket uses: the head, and pages of the log as replay frames.
/// Adapters turn their store's failures into ``UnitOfWorkError``.
public protocol EventLogPages: Sendable {
    /// The position of the last committed event (0 while the log is empty).
    func currentHead() async throws -> Int

    /// The replay response frame with the `limit` events from `position` on, and `head`.
    func page(from position: Int, limit: Int, head: Int) async throws -> [UInt8]
}
