/// The event-log port the entrypoints use: where a committed event stands in the log, for a reply's
/// `position` (read-your-writes). Adapters turn their store's failures into ``UnitOfWorkError``.
public protocol EventPositions: Sendable {
    /// The position of a recently numbered event, known without waiting; nil when it is not.
    func knownPosition(of mark: EventMark) -> Int?

    /// The position of the event marked `mark`, which the caller committed before asking; waits
    /// until it is numbered.
    func position(of mark: EventMark) async throws -> Int
}
