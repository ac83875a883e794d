import Domain
import Logging

/// Wires the message bus: every context's handlers, registered once, over a unit of work.
///
/// The bus is built here from explicit inputs — no globals — so tests bootstrap the same bus over
/// the in-memory store and production over PostgreSQL. The running process as a whole (the bus, the
/// PostgreSQL adapters, the sockets) is wired in `CommandServiceApp.swift`, the composition root.
public enum Bootstrap {
    public static func messageBus(
        unitOfWork: any UnitOfWorkFactory, maximumAttempts: Int = 5, match: ThreeWayMatch = ThreeWayMatch(),
        logger: Logger = Logger(label: "cosmic.command")
    ) -> MessageBus {
        var handlers = Handlers()
        AllocationHandlers.register(in: &handlers)
        ProcurementHandlers.register(in: &handlers, match: match)
        return MessageBus(unitOfWork: unitOfWork, handlers: handlers, maximumAttempts: maximumAttempts, logger: logger)
    }
}
