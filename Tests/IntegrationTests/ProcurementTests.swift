import CommandService
import Contracts
import Domain
import Logging
import PostgresNIO
import Synchronization
import Testing

/// Procurement on the real database: its documents, its outbox, and the policy reactor's
/// exactly-once reactions, alone and with two reactors and many clients at once.
@Suite struct ProcurementTests {
    static let alice = try! Principal("alice")
    static let bob = try! Principal("bob")
    static let acme = try! SupplierID("ACME")
    static let eur = try! Currency("EUR")

    static func bus(_ client: PostgresClient, attempts: Int = 20) -> MessageBus {
        Bootstrap.messageBus(
            unitOfWork: PostgresUnitOfWorkFactory(client: client, logger: Logger(label: "test")),
            maximumAttempts: attempts)
    }

    /// ACME and an approved order `number` with one line per (sku, quantity), at 5.00 a unit.
    static func approvedOrder(_ number: String, _ items: [(String, Int)], on bus: MessageBus) async throws {
        let po = try PurchaseOrderNumber(number)
        if number.hasSuffix("-1") || number == "PO" {
            _ = try await bus.handle(
                Make.envelope(
                    try CreateSupplier(supplier: acme, name: "Acme", currency: eur, paymentTermsDays: 30),
                    id: "supplier-acme"))
        }
        _ = try await bus.handle(
            Make.envelope(
                CreatePurchaseOrder(
                    number: po, supplier: acme, expectedDelivery: try Day(iso8601: "2027-01-15"), requester: alice),
                id: "create-\(number)"))
        for (sku, quantity) in items {
            _ = try await bus.handle(
                Make.envelope(
                    try AddPurchaseOrderItem(number: po, sku: SKU(sku), quantity: quantity, unitPrice: 500),
                    id: "add-\(number)-\(sku)"))
        }
        _ = try await bus.handle(Make.envelope(SubmitPurchaseOrder(number: po, by: alice), id: "submit-\(number)"))
        _ = try await bus.handle(Make.envelope(ApprovePurchaseOrder(number: po, by: bob), id: "approve-\(number)"))
    }

    /// Failures of the receipts, by kind: only over-receipts are expected.
    final class Failures: Sendable {
        let counts = Mutex<[String: Int]>([:])
        var kinds: [String: Int] { counts.withLock { $0 } }
    }

    static func counting<T>(_ failures: Failures, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            let kind = String(describing: error).prefix(40)
            failures.counts.withLock { $0[String(kind), default: 0] += 1 }
            throw error
        }
    }

    static func reactor(_ client: PostgresClient, _ bus: MessageBus) -> PolicyReactor {
        PolicyReactor(
            log: PostgresPolicyLog(client: client, logger: Logger(label: "test")), bus: bus,
            logger: Logger(label: "test"))
    }

    @Test func anApprovedOrderBecomesExactlyOneIncomingBatchPerItem() async throws {
        try await withMigratedDatabase { client in
            let bus = Self.bus(client)
            try await Self.approvedOrder("PO-1", [("LAMP", 10), ("DESK", 2)], on: bus)
            let log = PostgresEventLog(client: client, logger: Logger(label: "test"))
            _ = try await log.sequence()
            try await Self.reactor(client, bus).catchUp()
            // A reactor starting from scratch (a lost checkpoint) reacts again: nothing changes.
            try await client.query("DELETE FROM policy_checkpoints")
            try await Self.reactor(client, bus).catchUp()
            _ = try await log.sequence()
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").map(\.reference) == ["PO-1/1"])
            #expect(try await probe.batches(of: "DESK").map(\.purchased) == [2])
            let created = try await probe.journal().filter {
                if case .batchCreated = $0.payload { true } else { false }
            }
            #expect(created.count == 2)
            #expect(created.allSatisfy { $0.commandID.hasPrefix("policy:stock-on-order:") })
        }
    }

    @Test func theReactorStepsOverOtherEventsAWindowAtATime() async throws {
        try await withMigratedDatabase { client in
            let bus = Self.bus(client)
            // Allocation's events on both sides of the approval, many windows of them.
            func batches(_ range: ClosedRange<Int>) async throws {
                for n in range {
                    _ = try await bus.handle(
                        Make.envelope(
                            try CreateBatch(
                                reference: BatchReference("B-\(n)"), sku: SKU("LAMP"), quantity: 5, eta: nil),
                            id: "batch-\(n)"))
                }
            }
            try await batches(1...10)
            try await Self.approvedOrder("PO-1", [("LAMP", 10)], on: bus)
            try await batches(11...20)
            let log = PostgresEventLog(client: client, logger: Logger(label: "test"))
            _ = try await log.sequence()
            let head = try await log.head()
            let policyLog = PostgresPolicyLog(client: client, logger: Logger(label: "test"), window: 3)
            let reactor = PolicyReactor(log: policyLog, bus: bus, logger: Logger(label: "test"))
            #expect(try await reactor.catchUp() == head)
            #expect(try await policyLog.checkpoint() == head)
            #expect(try await PostgresProbe(client: client).batches(of: "LAMP").map(\.reference).contains("PO-1/1"))
            #expect(try await reactor.catchUp() == 0, "nothing new: nothing read again")
        }
    }

    /// The checkpoint only saves work, and each save is a commit: a busy reactor saves it at most
    /// once per interval, yet always where it stops.
    @Test func aBusyReactorSavesItsCheckpointSeldomButAlwaysAtTheEnd() async throws {
        final class CountingLog: PolicyLog {
            let inner: PostgresPolicyLog
            let saves = Mutex<[Int]>([])
            init(inner: PostgresPolicyLog) { self.inner = inner }
            func events(after position: Int, ofTypes types: [EventType], limit: Int) async throws -> PolicyLogPage {
                try await inner.events(after: position, ofTypes: types, limit: limit)
            }
            func checkpoint() async throws -> Int { try await inner.checkpoint() }
            func saveCheckpoint(_ position: Int) async throws {
                saves.withLock { $0.append(position) }
                try await inner.saveCheckpoint(position)
            }
        }
        try await withMigratedDatabase { client in
            let bus = Self.bus(client)
            for n in 1...12 { try await Self.approvedOrder("PO-\(n)", [("LAMP-\(n)", 5), ("DESK-\(n)", 3)], on: bus) }
            let log = PostgresEventLog(client: client, logger: Logger(label: "test"))
            _ = try await log.sequence()
            let head = try await log.head()
            let counting = CountingLog(inner: PostgresPolicyLog(client: client, logger: Logger(label: "test")))
            let reactor = PolicyReactor(
                log: counting, bus: bus, concurrency: 4, checkpointInterval: .seconds(3600),
                logger: Logger(label: "test"))
            #expect(try await reactor.catchUp() == head)
            let saves = counting.saves.withLock { $0 }
            #expect(saves == [head], "24 reactions, and one save: when the reactor went idle")
            #expect(try await counting.checkpoint() == head)
            #expect(try await PostgresProbe(client: client).batches(of: "DESK-12").map(\.purchased) == [3])
        }
    }

    @Test func twoReactorsOnOneDatabaseRunEachReactionOnce() async throws {
        try await withMigratedDatabase { client in
            let bus = Self.bus(client)
            for n in 1...8 { try await Self.approvedOrder("PO-\(n)", [("LAMP", 5), ("DESK-\(n)", 3)], on: bus) }
            _ = try await PostgresEventLog(client: client, logger: Logger(label: "test")).sequence()
            async let first = Self.reactor(client, Self.bus(client)).catchUp()
            async let second = Self.reactor(client, Self.bus(client)).catchUp()
            _ = try await (first, second)
            let probe = PostgresProbe(client: client)
            #expect(try await probe.batches(of: "LAMP").count == 8)
            for n in 1...8 { #expect(try await probe.batches(of: "DESK-\(n)").map(\.purchased) == [3]) }
            let policyCommands = try await probe.journal().map(\.commandID).filter { $0.hasPrefix("policy:") }
            #expect(policyCommands.count == Set(policyCommands).count)
            #expect(policyCommands.count == 16)
        }
    }

    @Test func concurrentReceiptsAndInvoicesNeverOverReceiveNorApproveADuplicate() async throws {
        try await withMigratedDatabase(maximumConnections: 16) { client in
            let bus = Self.bus(client, attempts: 200)
            let failures = Failures()
            try await Self.approvedOrder("PO-1", [("LAMP", 40), ("DESK", 40)], on: bus)
            let po = try PurchaseOrderNumber("PO-1")
            // 32 clients: half receive one unit at a time (more than was ordered, in all), half
            // register and approve invoices for 5 LAMPs, numbered from a small pool so they collide.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<32 {
                    group.addTask {
                        for round in 0..<6 {
                            if client % 2 == 0 {
                                let line = 1 + (client / 2) % 2
                                _ = try? await Self.counting(failures) {
                                    try await bus.handle(
                                        Make.envelope(
                                            try ReceiveGoods(
                                                number: po, receivedOn: Day(iso8601: "2027-01-14"),
                                                lines: [ReceiptLine(line: line, quantity: 3)]),
                                            id: "receive-\(client)-\(round)"))
                                }
                            } else {
                                let number = try InvoiceNumber("INV-\((client * 7 + round) % 12)")
                                _ = try? await bus.handle(
                                    Make.envelope(
                                        try RegisterInvoice(
                                            supplier: Self.acme, number: number, purchaseOrder: po,
                                            invoiceDate: Day(iso8601: "2027-01-20"),
                                            lines: [
                                                InvoiceLine(
                                                    sku: SKU("LAMP"), quantity: 5,
                                                    unitPrice: Money(minorUnits: 500, currency: Self.eur))
                                            ]),
                                        id: "register-\(client)-\(round)"))
                                _ = try? await bus.handle(
                                    Make.envelope(
                                        try ApproveInvoice(supplier: Self.acme, number: number, by: Self.bob),
                                        id: "approve-\(client)-\(round)"))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let journal = try await PostgresProbe(client: client).journal()
            var received: [Int: Int] = [:]
            var registered: [String: Int] = [:]
            var approved: [String: Int] = [:]
            for row in journal {
                switch row.payload {
                case .goodsReceived(let p): for line in p.lines { received[line.line, default: 0] += line.quantity }
                case .invoiceRegistered(let p): registered[p.number, default: 0] += 1
                case .invoiceApproved(let p): approved[p.number, default: 0] += 1
                default: break
                }
            }
            #expect(received.values.allSatisfy { $0 <= 40 }, "\(received)")
            #expect(failures.kinds.keys.allSatisfy { $0.contains("cannot receive") }, "\(failures.kinds)")
            #expect(received.values.reduce(0, +) == 78)  // 13 receipts of 3 per line, the 14th refused
            #expect(registered.values.allSatisfy { $0 == 1 }, "\(registered)")
            #expect(approved.values.allSatisfy { $0 == 1 }, "\(approved)")
            // Approved invoices never bill more LAMPs than arrived.
            #expect(approved.count * 5 <= received[1] ?? 0, "\(approved.count) invoices of 5, \(received)")
        }
    }
}
