import Contracts

/// What the policy reactor needs of the store: the events its policies react to, in position
/// order, and a checkpoint.
public protocol PolicyLog: Sendable {
    /// Up to `limit` committed events of `types` after `position`, in position order, and how far
    /// the read went: the page holds every event of those types up to `through`, so the next read
    /// starts there. A log of millions of other events (allocation's) is stepped over without one
    /// of them being decoded.
    func events(after position: Int, ofTypes types: [EventType], limit: Int) async throws -> PolicyLogPage
    /// The last position the reactor finished (0 at first).
    func checkpoint() async throws -> Int
    /// Moves the checkpoint forward (never back: two instances may both react).
    func saveCheckpoint(_ position: Int) async throws
}

/// One read of the policy log: the events found, the position the read covered, and whether that
/// was the log's head when it ran (nothing more to read until something new is committed).
public struct PolicyLogPage: Sendable {
    public let events: [EventEnvelope]
    public let through: Int
    public let atHead: Bool

    public init(events: [EventEnvelope], through: Int, atHead: Bool) {
        self.events = events
        self.through = through
        self.atHead = atHead
    }
}
