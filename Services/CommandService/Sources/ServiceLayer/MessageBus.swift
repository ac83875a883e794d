import Domain
import Logging

/// The message bus: routes a command to its one handler and the events it raises to theirs.
///
/// A command and every event it causes, however deep, are handled in one unit of work and committed
/// once, so a reallocation after a quantity change can never be lost between two transactions. A
/// command handler's failure reaches the caller and nothing is committed; an event handler's failure
/// is logged, undone (`UnitOfWork.isolated`) and does not stop the other handlers. A version conflict
/// re-runs the whole command on fresh state, a bounded number of times.
public struct MessageBus: Sendable {
    let unitOfWork: any UnitOfWorkFactory
    let handlers: Handlers
    let maximumAttempts: Int
    let logger: Logger

    public init(unitOfWork: any UnitOfWorkFactory, handlers: Handlers, maximumAttempts: Int = 5, logger: Logger) {
        precondition(maximumAttempts >= 1)
        self.unitOfWork = unitOfWork
        self.handlers = handlers
        self.maximumAttempts = maximumAttempts
        self.logger = logger
    }

    /// Handles a command exactly once per id: a repeated id gets the stored receipt and changes nothing.
    public func handle(_ envelope: CommandEnvelope) async throws -> CommandReceipt {
        var attempt = 1
        while true {
            do {
                return try await handleOnce(envelope)
            } catch UnitOfWorkError.conflict(let reason) where attempt < maximumAttempts {
                logger.debug(
                    "Conflict, retrying",
                    metadata: ["command_id": "\(envelope.id)", "attempt": "\(attempt)", "reason": "\(reason)"])
                attempt += 1
            } catch UnitOfWorkError.conflict(let reason) {
                throw ServiceError.tooManyConflicts(attempts: attempt, reason)
            } catch let error as DomainError {
                // Two attempts at one command id (a client's retry) can run at once: the later waits
                // for the product's row lock, then meets the state the earlier one left and may be
                // refused for it (say duplicate_batch). The earlier one's outcome is the answer then.
                if let stored = try await storedReceipt(of: envelope) { return stored }
                throw error
            }
        }
    }

    /// Handles several commands in one unit of work, committed once: a group commit. Each command
    /// is isolated (`UnitOfWork.isolated`), so one refused by the domain leaves the others' work
    /// intact; each result is what `handle(_:)` would have given. Should the group fail as a whole
    /// (a lost race, a deadlock, a duplicate command id), every command is handled on its own.
    /// A group of one is worth it too: the group's path reads ahead and commits in fewer round trips.
    public func handle(group envelopes: [CommandEnvelope]) async -> [Result<CommandReceipt, any Error>] {
        let together: [Result<CommandReceipt, any Error>]
        do {
            together = try await unitOfWork.withUnitOfWork { uow in try await handleTogether(envelopes, in: uow) }
        } catch {
            logger.debug("Group failed, handling its commands one by one", metadata: ["error": "\(error)"])
            return await handleEach(envelopes)
        }
        // A refusal may be a retry's (see `handle(_:)`): let the one-by-one path look again.
        let refused = envelopes.indices.filter {
            if case .failure(is DomainError) = together[$0] { true } else { false }
        }
        guard !refused.isEmpty else { return together }
        var results = together
        for (index, result) in zip(refused, await handleEach(refused.map { envelopes[$0] })) { results[index] = result }
        return results
    }

    private func handleTogether(_ envelopes: [CommandEnvelope], in uow: any UnitOfWork) async throws
        -> [Result<CommandReceipt, any Error>]
    {
        let lines = envelopes.compactMap { ($0.command as? Allocate)?.line }
        try await uow.prefetch(
            commandIDs: envelopes.map(\.id), products: lines.map(\.sku), withLinesOf: lines.map(\.orderID))
        var results: [Result<CommandReceipt, any Error>] = []
        var handled: [(index: Int, outcome: CommandOutcome)] = []
        for envelope in envelopes {
            if let stored = try await uow.previousOutcome(of: envelope.id) {
                results.append(Result { try repeatReceipt(stored, envelope) })
                continue
            }
            do {
                var outcome: CommandOutcome?
                try await uow.isolated {
                    let result = try await handlers.handle(envelope.command, uow)
                    try await dispatch(uow.collectNewEvents(), in: uow)
                    try await uow.record(commandID: envelope.id, fingerprint: envelope.fingerprint, outcome: result)
                    outcome = result
                }
                handled.append((results.count, outcome!))
                results.append(.failure(CancellationError()))  // replaced once committed
            } catch let error as UnitOfWorkError {
                throw error
            } catch {
                results.append(.failure(error))
            }
        }
        if !handled.isEmpty { _ = try await uow.commit() }
        for (index, outcome) in handled {
            let id = envelopes[index].id
            results[index] = .success(
                CommandReceipt(outcome: outcome, lastEvent: uow.lastEvent(of: id), isRepeat: false))
        }
        return results
    }

    private func handleEach(_ envelopes: [CommandEnvelope]) async -> [Result<CommandReceipt, any Error>] {
        await withTaskGroup(of: (Int, Result<CommandReceipt, any Error>).self) { group in
            for (index, envelope) in envelopes.enumerated() {
                group.addTask { (index, await result { try await handle(envelope) }) }
            }
            var results = [Result<CommandReceipt, any Error>](
                repeating: .failure(CancellationError()), count: envelopes.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private func result(_ body: () async throws -> CommandReceipt) async -> Result<CommandReceipt, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// The answer to a command id seen before: its first outcome again, if it is the same request.
    private func repeatReceipt(_ stored: StoredCommand, _ envelope: CommandEnvelope) throws -> CommandReceipt {
        guard stored.fingerprint == envelope.fingerprint else { throw ServiceError.commandIDReused(envelope.id) }
        return CommandReceipt(outcome: stored.outcome, lastEvent: stored.lastEvent, isRepeat: true)
    }

    /// The receipt of a command id already handled, if it was.
    private func storedReceipt(of envelope: CommandEnvelope) async throws -> CommandReceipt? {
        try await unitOfWork.withUnitOfWork { uow in
            guard let stored = try await uow.previousOutcome(of: envelope.id) else { return nil }
            return try repeatReceipt(stored, envelope)
        }
    }

    private func handleOnce(_ envelope: CommandEnvelope) async throws -> CommandReceipt {
        try await unitOfWork.withUnitOfWork { uow in
            if let stored = try await uow.previousOutcome(of: envelope.id) {
                return try repeatReceipt(stored, envelope)
            }
            let outcome = try await handlers.handle(envelope.command, uow)
            try await dispatch(uow.collectNewEvents(), in: uow)
            try await uow.record(commandID: envelope.id, fingerprint: envelope.fingerprint, outcome: outcome)
            let lastEvent = try await uow.commit()
            return CommandReceipt(outcome: outcome, lastEvent: lastEvent, isRepeat: false)
        }
    }

    /// Handles events breadth-first in the order raised, including those their handlers raise.
    private func dispatch(_ raised: [any ProductEvent], in uow: any UnitOfWork) async throws {
        var queue = raised[...]
        while let event = queue.popFirst() {
            for handler in handlers.handlers(for: event) {
                do {
                    try await uow.isolated { try await handler(event, uow) }
                } catch let error as UnitOfWorkError {
                    throw error  // the store failed; the whole command must not commit half of it
                } catch {
                    logger.error(
                        "Event handler failed",
                        metadata: ["event": "\(type(of: event))", "error": "\(error)"])
                }
            }
            queue.append(contentsOf: uow.collectNewEvents())
        }
    }
}

/// Why the service layer refused a command, beyond the domain's own rules.
public enum ServiceError: Error, Equatable, Sendable {
    /// No handler is registered for this command type (a wiring bug).
    case noHandler(String)
    /// The command id was used before for a different request.
    case commandIDReused(String)
    /// Other writers kept winning; the client may retry.
    case tooManyConflicts(attempts: Int, String)
}
