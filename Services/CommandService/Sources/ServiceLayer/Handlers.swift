import Domain

/// The handlers, keyed by message type (the book's HANDLERS tables).
///
/// Registration is typed, so a handler receives its own command or event type; the table is
/// immutable once built and shared by every bus task.
public struct Handlers: Sendable {
    public typealias CommandHandler = @Sendable (any Command, any UnitOfWork) async throws -> CommandOutcome
    public typealias EventHandler = @Sendable (any Event, any UnitOfWork) async throws -> Void

    private var commands: [ObjectIdentifier: CommandHandler] = [:]
    private var events: [ObjectIdentifier: [EventHandler]] = [:]

    public init() {}

    /// Registers the one handler of a command type.
    public mutating func on<C: Command>(
        _ type: C.Type, _ handler: @escaping @Sendable (C, any UnitOfWork) async throws -> CommandOutcome
    ) {
        precondition(commands[ObjectIdentifier(type)] == nil, "\(type) has a handler already")
        commands[ObjectIdentifier(type)] = { command, uow in try await handler(command as! C, uow) }
    }

    /// Adds a handler of an event type; an event may have any number.
    public mutating func on<E: Event>(
        _ type: E.Type, _ handler: @escaping @Sendable (E, any UnitOfWork) async throws -> Void
    ) {
        events[ObjectIdentifier(type), default: []].append { event, uow in try await handler(event as! E, uow) }
    }

    func handle(_ command: any Command, _ uow: any UnitOfWork) async throws -> CommandOutcome {
        guard let handler = commands[ObjectIdentifier(type(of: command))] else {
            throw ServiceError.noHandler("\(type(of: command))")
        }
        return try await handler(command, uow)
    }

    func handlers(for event: any Event) -> [EventHandler] {
        events[ObjectIdentifier(type(of: event))] ?? []
    }
}
