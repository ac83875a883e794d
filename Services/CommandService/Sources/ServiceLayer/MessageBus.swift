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
            }
        }
    }

    private func handleOnce(_ envelope: CommandEnvelope) async throws -> CommandReceipt {
        try await unitOfWork.withUnitOfWork { uow in
            if let stored = try await uow.previousOutcome(of: envelope.id) {
                guard stored.fingerprint == envelope.fingerprint else {
                    throw ServiceError.commandIDReused(envelope.id)
                }
                return CommandReceipt(outcome: stored.outcome, lastEvent: stored.lastEvent, isRepeat: true)
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
