/// Where the read side stands, as shown by `/health` and the dashboard.
public struct SyncView: Codable, Sendable, Equatable {
    public var state: String
    public var healthy: Bool
    public var checkpoint: Int
    public var head: Int
    public var lag: Int
    public var applyRate: Double
    public var problem: String?
    public var liveEventsApplied: Int
    public var replayedEventsApplied: Int
    public var duplicatesDiscarded: Int
    public var gapsDetected: Int
    public var reconnects: Int
    public var applyFailures: Int
}
