import Logging

/// The composition root: the one place that wires handlers to their dependencies.
///
/// Everything a running command service needs is built here from explicit inputs — no globals —
/// so tests bootstrap the same bus over the in-memory store and production over PostgreSQL.
public enum Bootstrap {
    public static func messageBus(
        unitOfWork: any UnitOfWorkFactory, maximumAttempts: Int = 5,
        logger: Logger = Logger(label: "cosmic.command")
    ) -> MessageBus {
        var handlers = Handlers()
        AllocationHandlers.register(in: &handlers)
        return MessageBus(unitOfWork: unitOfWork, handlers: handlers, maximumAttempts: maximumAttempts, logger: logger)
    }
}
