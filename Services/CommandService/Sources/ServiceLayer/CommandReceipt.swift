/// What the message bus answers for a command.
public struct CommandReceipt: Hashable, Sendable {
    public let outcome: CommandOutcome
    /// The last event the command wrote, nil when it wrote none.
    public let lastEvent: EventMark?
    /// True when the command id was handled before and this is the stored answer.
    public let isRepeat: Bool

    public init(outcome: CommandOutcome, lastEvent: EventMark?, isRepeat: Bool) {
        self.outcome = outcome
        self.lastEvent = lastEvent
        self.isRepeat = isRepeat
    }
}
