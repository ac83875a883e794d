import Domain
import Logging
import PostgresNIO
import Synchronization
import TestSupport
import Testing

@testable import CommandService

/// A group whose products this process committed lately reads nothing before its flush
/// (`ProductCache`). What the cache cannot know — another writer's change, a command id handled
/// before, an order's line already allocated — the flush must catch, and the group must then be
/// answered exactly as if it had read everything.
@Suite struct ProductCacheTests {
    /// A bus over a factory of its own, as another instance would be, and how many groups its
    /// cache served whole.
    static func instance(on client: PostgresClient) -> (bus: MessageBus, served: @Sendable () -> Int) {
        let served = Counter()
        let factory = PostgresUnitOfWorkFactory(
            client: client, logger: Logger(label: "test"),
            productCache: ProductCache(onLookup: { found in if found { served.add() } }))
        return (Bootstrap.messageBus(unitOfWork: factory), served.value)
    }

    final class Counter: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        @Sendable func value() -> Int { count.withLock { $0 } }
    }

    @Test func aGroupOnProductsCommittedHereReadsNothingAheadAndCommitsAsUsual() async throws {
        try await withMigratedDatabase { client in
            let (bus, served) = Self.instance(on: client)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            _ = try await bus.handle(Make.createBatch("b2", "DESK", 10))

            let results = await bus.handle(group: [Make.allocate("o1", "LAMP", 3), Make.allocate("o2", "DESK", 4)])
            #expect(
                try results.map { try $0.get().outcome } == [
                    .allocated(try BatchReference("b1")), .allocated(try BatchReference("b2")),
                ])
            #expect(served() == 1)
            // The committed state is cached in turn: the next group reads nothing either.
            let next = await bus.handle(group: [Make.allocate("o3", "LAMP", 7), Make.allocate("o4", "LAMP", 1)])
            #expect(try next.map { try $0.get().outcome } == [.allocated(try BatchReference("b1")), .outOfStock])
            #expect(served() == 2)

            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").map(\.allocated) == [10])
            #expect(try await probe.batches(of: "LAMP").map(\.orders) == [["o1", "o3"]])
            #expect(try await probe.batches(of: "DESK").map(\.allocated) == [4])
        }
    }

    @Test func aProductNeverCommittedHereIsReadAhead() async throws {
        try await withMigratedDatabase { client in
            let (bus, served) = Self.instance(on: client)
            let (other, _) = Self.instance(on: client)
            _ = try await other.handle(Make.createBatch("b1", "LAMP", 10))

            let results = await bus.handle(group: [Make.allocate("o1", "LAMP", 3)])
            #expect(try results.map { try $0.get().outcome } == [.allocated(try BatchReference("b1"))])
            #expect(served() == 0)
        }
    }

    /// Another instance allocates from the product after this one cached it: the cached copy still
    /// shows the stock free, and the flush's version check must turn the group back.
    @Test func anotherInstancesChangeIsNeverOverwrittenByACachedGroup() async throws {
        try await withMigratedDatabase { client in
            let (bus, served) = Self.instance(on: client)
            let (other, _) = Self.instance(on: client)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            #expect(
                try await other.handle(Make.allocate("first", "LAMP", 8)).outcome
                    == .allocated(try BatchReference("b1")))

            let results = await bus.handle(group: [Make.allocate("late", "LAMP", 4)])
            #expect(try results.map { try $0.get().outcome } == [.outOfStock])
            #expect(served() == 1, "the group was tried from the cache first")
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").map(\.allocated) == [8], "never over-allocated")
            #expect(try await probe.batches(of: "LAMP").map(\.orders) == [["first"]])

            // The failed flush dropped the stale copy: the next group reads, then caches again.
            let next = await bus.handle(group: [Make.allocate("small", "LAMP", 2)])
            #expect(try next.map { try $0.get().outcome } == [.allocated(try BatchReference("b1"))])
            #expect(try await probe.batches(of: "LAMP").map(\.allocated) == [10])
        }
    }

    /// Two instances, each with its own cache and group committer, on one product with little stock:
    /// each one's commits keep turning the other's cached copy stale, and still no unit is
    /// allocated twice and none is lost.
    @Test func twoInstancesOnAHotProductNeitherOverAllocateNorLoseAnAllocation() async throws {
        try await withMigratedDatabase(maximumConnections: 20) { client in
            let (a, servedA) = Self.instance(on: client)
            let (b, servedB) = Self.instance(on: client)
            _ = try await a.handle(Make.createBatch("warehouse", "HOT", 70))
            _ = try await b.handle(Make.createBatch("ship", "HOT", 30, eta: "2027-01-01"))
            let committers = [GroupCommitter(bus: a, maximumGroupSize: 8), GroupCommitter(bus: b, maximumGroupSize: 8)]
            let outcomes = try await withThrowingTaskGroup(of: [CommandOutcome].self) { group in
                for client in 0..<40 {
                    group.addTask {
                        var outcomes: [CommandOutcome] = []
                        for order in 0..<3 {
                            let command = Make.allocate("c\(client)-o\(order)", "HOT", 1)
                            outcomes.append(try await committers[client % 2].handle(command).outcome)
                        }
                        return outcomes
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.filter { $0 == .outOfStock }.count == 20)
            #expect(servedA() + servedB() > 0, "some groups were served from a cache")
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "HOT").map(\.allocated) == [30, 70])
            #expect(try await probe.batches(of: "HOT").map(\.orders.count) == [30, 70])
            let versions = try await probe.journal().filter { $0.payload.type == .allocated }.map(\.aggregateVersion)
            #expect(versions.sorted() == Array(3...102), "one version per allocation, none shared or skipped")
        }
    }

    /// A client retries a command whose reply it lost: the cached group does not know the id was
    /// handled, so the flush's key on processed commands must stop it doing the work twice.
    @Test func aRetriedCommandOnACachedGroupGetsItsFirstReceipt() async throws {
        try await withMigratedDatabase { client in
            let (bus, served) = Self.instance(on: client)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            let first = try await bus.handle(group: [Make.allocate("o1", "LAMP", 3)])[0].get()

            let again = await bus.handle(group: [Make.allocate("o1", "LAMP", 3), Make.allocate("o2", "LAMP", 1)])
            #expect(served() == 2)
            let repeated = try again[0].get()
            #expect(repeated.isRepeat)
            #expect(repeated.outcome == first.outcome)
            #expect(repeated.lastEvent == first.lastEvent)
            #expect(try again[1].get().outcome == .allocated(try BatchReference("b1")))
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").map(\.allocated) == [4])
            #expect(
                try await probe.journal().map(\.commandID) == ["create-b1", "allocate-o1-LAMP", "allocate-o2-LAMP"])
        }
    }

    /// The same order line sent again under a new command id: the cached product does not know the
    /// order's line, so the flush's key on (order, SKU) must stop a second line; the answer is the
    /// first allocation's batch, and a different quantity is refused, as when the line is read.
    @Test func anOrderLineAlreadyAllocatedIsNotAllocatedTwiceByACachedGroup() async throws {
        try await withMigratedDatabase { client in
            let (bus, served) = Self.instance(on: client)
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            _ = try await bus.handle(Make.createBatch("b2", "LAMP", 10))
            _ = await bus.handle(group: [Make.allocate("o1", "LAMP", 3)])

            let again = await bus.handle(group: [
                Make.allocate("o1", "LAMP", 3, id: "resent"), Make.allocate("o1", "LAMP", 5, id: "changed"),
            ])
            #expect(served() == 2)
            #expect(try again[0].get().outcome == .allocated(try BatchReference("b1")))
            #expect(throws: DomainError.self) { try again[1].get() }
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").map(\.allocated) == [3, 0])
            #expect(try await probe.batches(of: "LAMP").map(\.orders) == [["o1"], []])
        }
    }
}

/// The cache's part when the database cannot be reached: it may come back as another copy.
@Suite struct ProductCacheOutageTests {
    struct Unreachable: ConnectionSource {
        func withConnection<T: Sendable>(
            _ body: nonisolated(nonsending) (PostgresConnection) async throws -> T
        ) async throws -> T {
            throw UnitOfWorkError.unavailable("unreachable (test)")
        }
    }

    @Test func aUnitThatCannotReachTheDatabaseEmptiesTheCache() async throws {
        try await withMigratedDatabase { client in
            let logger = Logger(label: "test")
            let cache = ProductCache()
            let bus = Bootstrap.messageBus(
                unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: logger, productCache: cache))
            _ = try await bus.handle(Make.createBatch("b1", "LAMP", 10))
            let lamp = try SKU("LAMP")
            #expect(cache.products([lamp])?.map(\.version) == [1])

            let down = PostgresUnitOfWorkFactory(client: Unreachable(), logger: logger, productCache: cache)
            await #expect(throws: UnitOfWorkError.unavailable("unreachable (test)")) {
                try await down.withUnitOfWork { _ in }
            }
            #expect(cache.products([lamp]) == nil)
        }
    }
}
