import CommandService
import Domain
import Logging
import Synchronization
import Testing

@Suite struct MessageBusTests {
    let commands = Commands()

    @Test func aRetriedCommandIDGetsTheFirstAnswerAndChangesNothing() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        let first = try await bus.handle(commands.allocate("o1", "LAMP", 3, id: "retry-me"))
        let again = try await bus.handle(commands.allocate("o1", "LAMP", 3, id: "retry-me"))

        #expect(!first.isRepeat)
        #expect(again.isRepeat)
        #expect(again.outcome == first.outcome)
        #expect(again.lastEvent == first.lastEvent)
        #expect(store.commits == 2)
        #expect(store.product(sku("LAMP"))?.batch(ref("b1"))?.availableQuantity == 7)
    }

    @Test func aCommandIDReusedForAnotherRequestIsRefused() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        _ = try await bus.handle(commands.allocate("o1", "LAMP", 3, id: "same-id"))
        await #expect(throws: ServiceError.commandIDReused("same-id")) {
            try await bus.handle(commands.allocate("o2", "LAMP", 3, id: "same-id"))
        }
        #expect(store.product(sku("LAMP"))?.batch(ref("b1"))?.availableQuantity == 7)
    }

    /// Command ids are identifiers: two that differ only in Unicode form are two commands, alone
    /// and in one group, as they are to PostgreSQL.
    @Test func commandIDsInAnotherUnicodeFormAreOtherCommands() async throws {
        let (bus, store) = makeBus()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        let alone = try await bus.handle(commands.allocate("o1", "LAMP", 1, id: "caf\u{E9}"))
        let other = try await bus.handle(commands.allocate("o2", "LAMP", 1, id: "cafe\u{301}"))
        #expect(!alone.isRepeat && !other.isRepeat)
        let group = await bus.handle(group: [
            commands.allocate("o3", "LAMP", 1, id: "gr\u{E9}"), commands.allocate("o4", "LAMP", 1, id: "gre\u{301}"),
        ])
        #expect(try group.map { try $0.get().isRepeat } == [false, false])
        #expect(store.product(sku("LAMP"))?.batch(ref("b1"))?.availableQuantity == 6)
    }

    @Test func aFailingEventHandlerIsUndoneAndDoesNotStopTheOthers() async throws {
        let store = InMemoryStore()
        let seen = Mutex<[String]>([])
        var handlers = Handlers()
        AllocationHandlers.register(in: &handlers)
        handlers.on(Allocated.self) { event, uow in
            // Changes state, then fails: the change must not survive.
            var product = try #require(try await uow.products.get(event.sku, withLinesOf: nil))
            try product.addBatch(try Batch(reference: BatchReference("sneaky"), sku: event.sku, quantity: 1))
            try await uow.products.save(product)
            seen.withLock { $0.append("failing") }
            throw CancellationError()
        }
        handlers.on(Allocated.self) { event, _ in seen.withLock { $0.append("second \(event.orderID)") } }
        let bus = MessageBus(unitOfWork: store, handlers: handlers, logger: Logger(label: "test"))

        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        let receipt = try await bus.handle(commands.allocate("o1", "LAMP", 3))

        #expect(receipt.outcome == .allocated(ref("b1")))
        #expect(seen.withLock { $0 } == ["failing", "second o1"])
        #expect(store.product(sku("LAMP"))?.batch(ref("sneaky")) == nil)
        #expect(store.journal.map { "\(type(of: $0.event))" } == ["BatchCreated", "Allocated"])
    }

    @Test func eventsRaisedWhileHandlingAreHandledInTheSameRunInOrder() async throws {
        let store = InMemoryStore()
        let order = Mutex<[String]>([])
        var handlers = Handlers()
        AllocationHandlers.register(in: &handlers)
        handlers.on(BatchQuantityChanged.self) { _, _ in order.withLock { $0.append("changed") } }
        handlers.on(Deallocated.self) { event, _ in order.withLock { $0.append("deallocated \(event.orderID)") } }
        handlers.on(Allocated.self) { event, _ in order.withLock { $0.append("allocated \(event.orderID)") } }
        let bus = MessageBus(unitOfWork: store, handlers: handlers, logger: Logger(label: "test"))
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        _ = try await bus.handle(commands.createBatch("b2", "LAMP", 10, eta: "2030-01-01"))
        _ = try await bus.handle(commands.allocate("o1", "LAMP", 4))
        _ = try await bus.handle(commands.allocate("o2", "LAMP", 4))
        order.withLock { $0 = [] }

        _ = try await bus.handle(commands.changeBatchQuantity("b1", 2))

        #expect(
            order.withLock { $0 } == [
                "changed", "deallocated o2", "deallocated o1", "allocated o2", "allocated o1",
            ])
    }

    @Test func aCommandHandlerFailureReachesTheCallerAndNothingIsCommitted() async throws {
        let (bus, store) = makeBus()
        await #expect(throws: DomainError.unknownSKU(sku("GHOST"))) {
            try await bus.handle(commands.allocate("o1", "GHOST", 1))
        }
        #expect(store.commits == 0)
        #expect(store.journal.isEmpty)
    }

    @Test func conflictsAreRetriedABoundedNumberOfTimes() async throws {
        let store = InMemoryStore()
        let flaky = ConflictingFactory(store: store, conflicts: 2)
        let bus = Bootstrap.messageBus(unitOfWork: flaky, maximumAttempts: 3)
        let receipt = try await bus.handle(commands.createBatch("b1", "LAMP", 10))
        #expect(receipt.outcome == .batchCreated)
        #expect(flaky.attempts == 3)

        let hopeless = ConflictingFactory(store: InMemoryStore(), conflicts: 100)
        let stubborn = Bootstrap.messageBus(unitOfWork: hopeless, maximumAttempts: 3)
        await #expect(throws: ServiceError.tooManyConflicts(attempts: 3, "injected")) {
            try await stubborn.handle(commands.createBatch("b1", "LAMP", 10))
        }
        #expect(hopeless.attempts == 3)
    }

    @Test func concurrentAllocationsNeverOverAllocate() async throws {
        let (bus, store) = makeBus(maximumAttempts: 50)
        _ = try await bus.handle(commands.createBatch("b1", "HOT", 20))
        let outcomes = await withTaskGroup(of: CommandOutcome?.self) { group in
            for index in 0..<60 {
                group.addTask { try? await bus.handle(commands.allocate("o\(index)", "HOT", 1)).outcome }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let product = try #require(store.product(sku("HOT")))
        let allocated = outcomes.filter { $0 == .allocated(ref("b1")) }.count
        #expect(product.batch(ref("b1"))?.allocatedQuantity == 20)
        #expect(allocated == 20)
        #expect(events(Allocated.self, in: store).count == 20)
    }
}

/// Fails the first `conflicts` units of work with a version conflict, as a losing writer would.
final class ConflictingFactory: UnitOfWorkFactory {
    let store: InMemoryStore
    private let state: Mutex<(remaining: Int, attempts: Int)>

    init(store: InMemoryStore, conflicts: Int) {
        self.store = store
        self.state = Mutex((conflicts, 0))
    }

    var attempts: Int { state.withLock { $0.attempts } }

    func withUnitOfWork<T: Sendable>(_ work: (any UnitOfWork) async throws -> T) async throws -> T {
        let fail = state.withLock { state in
            state.attempts += 1
            state.remaining -= 1
            return state.remaining >= 0
        }
        if fail { throw UnitOfWorkError.conflict("injected") }
        return try await store.withUnitOfWork(work)
    }
}
