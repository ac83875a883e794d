import Domain

/// Sizes the protocol promises, in one place so the services, the CLI and the documentation agree.
public enum WireLimits {
    /// The largest command or replay request frame a service reads; larger ones get `frame_too_large`.
    public static let maximumRequestBytes = 64 * 1024

    /// A command id is an identifier: 1 to this many Unicode scalar values, so it can be stored and
    /// indexed cheaply.
    public static let maximumCommandIDLength = IdentifierRule.maximumScalars

    /// The most Unicode scalar values an identifier (a SKU, an order id, …) may hold.
    public static let maximumIdentifierLength = IdentifierRule.maximumScalars

    /// Why `text` is no identifier (a command id, a SKU, an order id, …), or nil when it is one: the
    /// one rule of both sides (the Domain's `IdentifierRule`), for readers that do not import the Domain.
    public static func identifierProblem(_ text: String) -> String? { IdentifierRule.problem(with: text) }

    /// How many events a replay request returns when it does not say.
    public static let defaultReplayLimit = 1000

    /// The most events one replay response may carry, which bounds its size.
    public static let maximumReplayLimit = 10_000

    /// The longest event-log id a replay request may name (the service's are UUIDs, 36 bytes).
    public static let maximumLogIdentityBytes = 100

    /// Whether `bytes` could name an event log: 1 to ``maximumLogIdentityBytes`` bytes. The one rule
    /// of a replay request's `log`, a heartbeat's and the events socket's welcome.
    public static func isLogIdentity(_ bytes: some Collection<UInt8>) -> Bool {
        (1...maximumLogIdentityBytes).contains(bytes.count)
    }
}
