/// Where the read side stands against the event log: what `/health`, `/api/dashboard`,
/// `/metrics` and read-your-writes look at.
public struct SyncStatus: Sendable, Equatable {
    public enum Phase: String, Sendable {
        /// Opening the database and the sockets; no catch-up has finished yet.
        case starting
        /// Replaying from the checkpoint towards the head.
        case catchingUp = "catching_up"
        /// Applying live events as they arrive.
        case live
        /// Stopped on an event this reader cannot apply (unknown type or schema version): it will not
        /// move past it until upgraded. Or the command side serves another event log than the one
        /// the projections were built from. Reads still work, on data as of the checkpoint.
        case halted
    }

    public var phase: Phase = .starting
    /// Whether the upstream answers: something arrived on the events socket within the silence
    /// timeout and the last replay request (if any) was answered.
    public var connected = false
    /// Last applied position (committed with the projections).
    public var checkpoint = 0
    /// Highest position known to exist: from heartbeats, replay responses and live events.
    public var head = 0
    /// What went wrong last, for people (`nil` while all is well).
    public var problem: String?

    public var liveEventsApplied = 0
    public var replayedEventsApplied = 0
    public var duplicatesDiscarded = 0
    public var gapsDetected = 0
    public var replayRequests = 0
    public var reconnects = 0
    public var applyFailures = 0

    public init() {}

    public var lag: Int { max(0, head - checkpoint) }

    /// One word for the state: `halted`, `disconnected`, `starting`, `catching_up` or `live`.
    public var state: String {
        if phase == .halted { return "halted" }
        if !connected { return "disconnected" }
        return phase.rawValue
    }

    /// Healthy means: connected, not halted, and at most `maximumLag` events behind.
    public func isHealthy(maximumLag: Int) -> Bool {
        (state == "live" || state == "catching_up") && lag <= maximumLag
    }
}
