import Contracts

/// The event-log port the replay socket uses: the head, and pages of the log as replay frames.
/// Adapters turn their store's failures into ``UnitOfWorkError``.
///
/// Declared beside the replay socket rather than with the service layer's ports: it speaks the
/// wire's terms (frames in an encoding), which the service layer does not know.
public protocol EventLogPages: Sendable {
    /// The position of the last committed event (0 while the log is empty).
    func currentHead() async throws -> Int

    /// The head, and the log's id (which heartbeats carry and a replay request may name), read together.
    func currentHeadAndIdentity() async throws -> (head: Int, log: String)

    /// The replay response frame with the `limit` events from `position` on, and `head`, in `encoding`.
    func page(from position: Int, limit: Int, head: Int, encoding: ReplayEncoding) async throws -> [UInt8]
}
