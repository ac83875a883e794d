import Domain
import Logging

/// The message bus: routes a command to its one handler and the events it raises to theirs.
///
/// A command and every event it causes, however deep, are handled in one unit of work and committed
/// once, so a reallocation after a quantity change can never be lost between two transactions. A
/// command handler's failure reaches the caller and nothing is committed; an event handler's failure
/// is logged, undone (`UnitOfWork.isolated`) and does not stop the other handlers. A version conflict
/// re-runs the whole command on fresh state, a bounded number of times.
///
/// This file is the book's message bus; group commit, many commands in one unit of work, is its
/// extension in `MessageBus+GroupCommit.swift`.
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
            } catch let error as any Refusal {
                // Two attempts at one command id (a client's retry) can run at once: the later waits
                // for the product's row lock, then meets the state the earlier one left and may be
                // refused for it (say duplicate_batch). The earlier one's outcome is the answer then.
                if let stored = try await storedReceipt(of: envelope) { return stored }
                throw error
            }
        }
    }

    /// The answer to a command id seen before: its first outcome again, if it is the same request.
    func repeatReceipt(_ stored: StoredCommand, _ envelope: CommandEnvelope) throws -> CommandReceipt {
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
            try await uow.record(envelope, outcome: outcome)
            let lastEvent = try await uow.commit()
            return CommandReceipt(outcome: outcome, lastEvent: lastEvent, isRepeat: false)
        }
    }

    /// Handles events breadth-first in the order raised, including those their handlers raise.
    func dispatch(_ raised: [any Event], in uow: any UnitOfWork) async throws {
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
                        metadata: ["event": "\(type(of: event))", "error": .error(error)])
                }
            }
            queue.append(contentsOf: uow.collectNewEvents())
        }
    }
}
