import CommandService
import Contracts
import Domain
import Foundation
import Testing

/// Procurement's use cases on the fake store, and its policies run over the fake's journal the way
/// the policy reactor runs them over the event log.
@Suite struct ProcurementHandlerTests {
    let commands = Commands()
    let alice = try! Principal("alice")
    let bob = try! Principal("bob")
    let po = try! PurchaseOrderNumber("PO-1")
    let acme = try! SupplierID("ACME")

    /// Supplier ACME (EUR, 30 days), and PO-1 for 100 LAMP at 5.00, submitted by alice.
    func submittedOrder() async throws -> (MessageBus, InMemoryStore) {
        let (bus, store) = makeBus()
        _ = try await bus.handle(
            commands.envelope(
                try CreateSupplier(supplier: acme, name: "Acme", currency: Currency("EUR"), paymentTermsDays: 30)))
        _ = try await bus.handle(
            commands.envelope(
                CreatePurchaseOrder(
                    number: po, supplier: acme, expectedDelivery: try Day(iso8601: "2027-01-15"), requester: alice)))
        let added = try await bus.handle(
            commands.envelope(try AddPurchaseOrderItem(number: po, sku: sku("LAMP"), quantity: 100, unitPrice: 500)))
        #expect(added.outcome == .itemAdded(line: 1))
        _ = try await bus.handle(commands.envelope(SubmitPurchaseOrder(number: po, by: alice)))
        return (bus, store)
    }

    /// Runs every policy over the journal's events from `start` on, as the reactor does; returns
    /// where it got to.
    @discardableResult
    func react(_ bus: MessageBus, _ store: InMemoryStore, from start: Int = 0) async throws -> Int {
        var position = start
        while position < store.journal.count {
            let entry = store.journal[position]
            position += 1
            let envelope = EventEnvelope(
                position: position,
                eventID: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", position))!,
                occurredAt: Date(), aggregateID: entry.event.aggregateID, aggregateVersion: entry.aggregateVersion,
                commandID: entry.commandID, payload: try EventPayload(entry.event))
            // The reactor reads only the triggers' types: a policy whose type is missing there
            // would never run, and these tests would say so.
            guard Policies.triggers.contains(envelope.type) else { continue }
            for reaction in Policies.reactions(to: envelope) {
                let request = try CommandRequest(commandID: reaction.commandID, command: reaction.command)
                _ = try? await bus.handle(
                    CommandEnvelope(id: reaction.commandID, fingerprint: request.fingerprint, command: reaction.command)
                )
            }
        }
        return position
    }

    @Test func theRequesterCannotApproveTheirOwnOrderAndNothingIsWritten() async throws {
        let (bus, store) = try await submittedOrder()
        let commits = store.commits
        await #expect(throws: ProcurementError.selfApproval(alice)) {
            try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: alice)))
        }
        #expect(store.commits == commits)
        #expect(store.purchaseOrder(po)?.status == .submitted)
    }

    @Test func anApprovedOrderBecomesOneIncomingBatchPerItem() async throws {
        let (bus, store) = try await submittedOrder()
        _ = try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: bob)))
        try await react(bus, store)
        let batch = store.product(sku("LAMP"))?.batch(ref("PO-1/1"))
        #expect(batch?.purchasedQuantity == 100)
        #expect(batch?.eta == (try Day(iso8601: "2027-01-15")))
    }

    @Test func reactingToTheSameEventsAgainChangesNothing() async throws {
        let (bus, store) = try await submittedOrder()
        _ = try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: bob)))
        try await react(bus, store)
        let journal = store.journal.count
        let commits = store.commits
        try await react(bus, store)  // a restart before the checkpoint moved, or a second instance
        #expect(store.journal.count == journal)
        #expect(store.commits == commits)
        #expect(store.product(sku("LAMP"))?.batches.count == 1)
    }

    @Test func aShortReceiptShrinksTheBatchAndMovesCustomerOrdersThatNoLongerFit() async throws {
        let (bus, store) = try await submittedOrder()
        _ = try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: bob)))
        try await react(bus, store)
        // A customer order allocated to stock on order, before it arrives.
        let allocated = try await bus.handle(commands.allocate("order-1", "LAMP", 80))
        #expect(allocated.outcome == .allocated(ref("PO-1/1")))
        _ = try await bus.handle(commands.createBatch("later", "LAMP", 100, eta: "2027-03-01"))
        // 60 arrive and the line is closed: the batch shrinks to 60, order-1 moves to the later batch.
        _ = try await bus.handle(
            commands.envelope(
                try ReceiveGoods(
                    number: po, receivedOn: Day(iso8601: "2027-01-14"),
                    lines: [ReceiptLine(line: 1, quantity: 60, closeShort: true)])))
        try await react(bus, store)
        let product = try #require(store.product(sku("LAMP")))
        #expect(product.batch(ref("PO-1/1"))?.purchasedQuantity == 60)
        #expect(product.batch(ref("PO-1/1"))?.eta == nil)  // warehouse stock now
        #expect(product.batch(ref("later"))?.allocation(of: order("order-1"))?.quantity == 80)
        #expect(store.purchaseOrder(po)?.status == .received)
    }

    @Test func anInvoiceIsMatchedApprovedScheduledAndPaid() async throws {
        let (bus, store) = try await submittedOrder()
        _ = try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: bob)))
        _ = try await bus.handle(
            commands.envelope(
                try ReceiveGoods(
                    number: po, receivedOn: Day(iso8601: "2027-01-14"), lines: [ReceiptLine(line: 1, quantity: 100)])))
        let number = try InvoiceNumber("INV-1")
        let eur = try Currency("EUR")
        let registered = try await bus.handle(
            commands.envelope(
                try RegisterInvoice(
                    supplier: acme, number: number, purchaseOrder: po, invoiceDate: Day(iso8601: "2027-01-20"),
                    lines: [
                        InvoiceLine(sku: sku("LAMP"), quantity: 100, unitPrice: Money(minorUnits: 500, currency: eur))
                    ])))
        #expect(registered.outcome == .invoiceRegistered(matched: true))
        _ = try await bus.handle(commands.envelope(try ApproveInvoice(supplier: acme, number: number, by: bob)))
        try await react(bus, store)
        #expect(store.invoice(acme, number)?.paymentScheduled == true)
        #expect(store.invoice(acme, number)?.paymentDue == (try Day(iso8601: "2027-02-19")))
        _ = try await bus.handle(
            commands.envelope(
                try RecordPayment(
                    supplier: acme, number: number, amount: 50_000, currency: eur, paidOn: Day(iso8601: "2027-02-18"),
                    reference: "TX-1")))
        #expect(store.invoice(acme, number)?.status == .paid)
    }

    @Test func theSameSupplierAndInvoiceNumberTwiceIsRefused() async throws {
        let (bus, _) = try await submittedOrder()
        _ = try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: bob)))
        let eur = try Currency("EUR")
        func register() throws -> CommandEnvelope {
            commands.envelope(
                try RegisterInvoice(
                    supplier: acme, number: InvoiceNumber("INV-1"), purchaseOrder: po,
                    invoiceDate: Day(iso8601: "2027-01-20"),
                    lines: [
                        InvoiceLine(sku: sku("LAMP"), quantity: 1, unitPrice: Money(minorUnits: 500, currency: eur))
                    ]))
        }
        _ = try await bus.handle(try register())
        await #expect(throws: ProcurementError.duplicateInvoice(acme, try InvoiceNumber("INV-1"))) {
            try await bus.handle(try register())
        }
    }

    @Test func anInvoiceWaitingForGoodsMatchesWhenTheyArrive() async throws {
        let (bus, store) = try await submittedOrder()
        _ = try await bus.handle(commands.envelope(ApprovePurchaseOrder(number: po, by: bob)))
        let number = try InvoiceNumber("INV-1")
        let registered = try await bus.handle(
            commands.envelope(
                try RegisterInvoice(
                    supplier: acme, number: number, purchaseOrder: po, invoiceDate: Day(iso8601: "2027-01-20"),
                    lines: [
                        InvoiceLine(
                            sku: sku("LAMP"), quantity: 100,
                            unitPrice: Money(minorUnits: 500, currency: Currency("EUR")))
                    ])))
        #expect(registered.outcome == .invoiceRegistered(matched: false))
        _ = try await bus.handle(
            commands.envelope(
                try ReceiveGoods(
                    number: po, receivedOn: Day(iso8601: "2027-01-14"), lines: [ReceiptLine(line: 1, quantity: 100)])))
        #expect(store.invoice(acme, number)?.status == .matched)
        #expect(events(InvoiceRematched.self, in: store).count == 1)
    }
}
