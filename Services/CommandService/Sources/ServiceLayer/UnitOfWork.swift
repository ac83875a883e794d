import Domain

/// The unit-of-work port: one atomic change to the store.
///
/// Everything a command does — its aggregate changes, the events they raise (the outbox), and the
/// record of the command id with its outcome (exactly-once) — is committed together or not at all.
/// A unit of work is used by one task; the factory hands out a fresh one per attempt.
///
/// A unit exposes one repository per aggregate, as the book's `uow.products` does: each repository
/// port adds its accessor in an extension (see `ProductRepository.swift`), so a new aggregate adds a
/// repository, not a requirement here. Group commit needs more of a unit: `GroupUnitOfWork.swift`.
public protocol UnitOfWork: AnyObject {
    /// This unit's repository with the port `port` (`(any ProductRepository).self`), nil when the
    /// store has none.
    func repository<Port>(_ port: Port.Type) -> Port?

    /// The outcome stored for a command id handled before, with what it was asked.
    func previousOutcome(of commandID: String) async throws -> StoredCommand?

    /// Records that `command` was handled (its id, fingerprint and who issued it), in the same
    /// transaction as its effects. A unit may carry several commands (a group commit): the events
    /// saved since the previous record (or the start) are this command's.
    func record(_ command: CommandEnvelope, outcome: CommandOutcome) async throws

    /// Events raised by saved aggregates since the last call, oldest first, for the message bus.
    func collectNewEvents() -> [any Event]

    /// Runs `body` so that, if it throws, none of its changes stay (a SQL savepoint, or a snapshot);
    /// the message bus isolates each event handler with it.
    func isolated(_ body: () async throws -> Void) async throws

    /// Makes every change durable, and returns what identifies the last event written (if any).
    func commit() async throws -> EventMark?
}

/// Creates units of work; whatever a unit did not commit when `work` returns or throws is rolled back.
public protocol UnitOfWorkFactory: Sendable {
    func withUnitOfWork<T: Sendable>(_ work: (any UnitOfWork) async throws -> T) async throws -> T
}
