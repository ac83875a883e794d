/// What happened to a command, in the three ways a client must handle differently: applied,
/// refused by a rule (fix the request, do not retry), or not processed (retry only if retryable).
public enum ReplyStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// Applied; the reply carries a result.
    case ok
    /// Understood but refused by a domain rule; nothing changed.
    case rejected
    /// Could not be processed: bad input, or a temporary failure when the error is retryable.
    case error
}
