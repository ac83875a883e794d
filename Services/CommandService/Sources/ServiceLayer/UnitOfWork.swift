import Domain

/// The unit-of-work port: one atomic change to the store.
///
/// Everything a command does — its aggregate changes, the events they raise (the outbox), and the
/// record of the command id with its outcome (exactly-once) — is committed together or not at all.
/// A unit of work is used by one task; the factory hands out a fresh one per attempt.
public protocol UnitOfWork: AnyObject {
    var products: any ProductRepository { get }

    /// The outcome stored for a command id handled before, with what it was asked.
    func previousOutcome(of commandID: String) async throws -> StoredCommand?

    /// Reads ahead, in as few round trips as the store allows, what a group of commands will ask
    /// for: their stored outcomes and their products, with the lines of the given orders. Later
    /// calls of `previousOutcome` and `products.get` are answered from it. The products may come
    /// unlocked: `commit` then refuses (a conflict) if another writer changed one meanwhile.
    func prefetch(commandIDs: [String], products: [SKU], withLinesOf orderIDs: [OrderID]) async throws

    /// Records that `commandID` was handled, in the same transaction as its effects. A unit may
    /// carry several commands (a group commit): the events saved since the previous record (or the
    /// start) are this command's.
    func record(commandID: String, fingerprint: String, outcome: CommandOutcome) async throws

    /// Events raised by saved products since the last call, oldest first, for the message bus.
    func collectNewEvents() -> [any ProductEvent]

    /// Runs `body` so that, if it throws, none of its changes stay (a SQL savepoint, or a snapshot);
    /// the message bus isolates each event handler with it.
    func isolated(_ body: () async throws -> Void) async throws

    /// Makes every change durable, and returns what identifies the last event written (if any).
    func commit() async throws -> EventMark?

    /// After `commit`: the last event of a recorded command, if it raised any.
    func lastEvent(of commandID: String) -> EventMark?
}

extension UnitOfWork {
    /// Stores that answer reads from memory have nothing to read ahead.
    public func prefetch(commandIDs: [String], products: [SKU], withLinesOf orderIDs: [OrderID]) async throws {}
}

/// Creates units of work; whatever a unit did not commit when `work` returns or throws is rolled back.
public protocol UnitOfWorkFactory: Sendable {
    func withUnitOfWork<T: Sendable>(_ work: (any UnitOfWork) async throws -> T) async throws -> T
}

/// Where a committed event stands in the store's journal, before it has a global position.
/// The event log turns marks into gap-free positions (see `EventPositions`).
public struct EventMark: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: EventMark, rhs: EventMark) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

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

/// Failures of the store that are not the domain's business.
public enum UnitOfWorkError: Error, Equatable, Sendable {
    /// Another writer changed the aggregate (or claimed the command id) first: try again.
    case conflict(String)
    /// The store cannot be reached or refused service: the client may retry later.
    case unavailable(String)
}
