import Domain

/// How an accepted command ended. Out of stock is an outcome, not a failure: the command was
/// handled, nothing could be allocated, and `OutOfStock` was recorded.
public enum CommandOutcome: Hashable, Sendable {
    case batchCreated
    case allocated(BatchReference)
    case outOfStock
    case deallocated
    case quantityChanged
}

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

/// A command with the identity its client gave it.
public struct CommandEnvelope: Sendable {
    /// The client's id; a retry reuses it and gets the first answer back.
    public let id: String
    /// A canonical form of the request, so that an id reused for another request is caught.
    public let fingerprint: String
    public let command: any Command

    public init(id: String, fingerprint: String, command: any Command) {
        self.id = id
        self.fingerprint = fingerprint
        self.command = command
    }
}
