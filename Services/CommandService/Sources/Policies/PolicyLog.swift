import Contracts

/// What the policy reactor needs of the store: the event log in position order, and a checkpoint.
public protocol PolicyLog: Sendable {
    /// Up to `limit` committed events after `position`, in position order.
    func events(after position: Int, limit: Int) async throws -> [EventEnvelope]
    /// The last position the reactor finished (0 at first).
    func checkpoint() async throws -> Int
    /// Moves the checkpoint forward (never back: two instances may both react).
    func saveCheckpoint(_ position: Int) async throws
}
