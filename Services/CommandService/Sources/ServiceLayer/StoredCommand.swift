/// A command handled before: what it was, how it ended, and its last event.
public struct StoredCommand: Equatable, Sendable {
    public let fingerprint: String
    public let outcome: CommandOutcome
    public let lastEvent: EventMark?

    public init(fingerprint: String, outcome: CommandOutcome, lastEvent: EventMark?) {
        self.fingerprint = fingerprint
        self.outcome = outcome
        self.lastEvent = lastEvent
    }
}
