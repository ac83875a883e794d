import Contracts
import Domain
import Foundation

// Procurement's wire samples: each request and envelope beside the Domain value it stands for, with
// a golden fixture of its own (Fixtures/commands/procurement, Fixtures/events/procurement).

let eur = try! Currency("EUR")
func eur(_ minorUnits: Int) -> Money { try! Money(minorUnits: minorUnits, currency: eur) }
let acme = try! SupplierID("ACME")
let po1 = try! PurchaseOrderNumber("PO-1")
let inv1 = try! InvoiceNumber("INV-1")
let alice = try! Principal("alice")
let bob = try! Principal("bob")

private func request(_ n: Int, _ payload: CommandPayload, by principal: String? = nil) -> CommandRequest {
    CommandRequest(commandID: commandID(n), payload: payload, issuedBy: principal)
}

let procurementCommandSamples: [CommandSample] = [
    CommandSample(
        fixture: "commands/procurement/create_supplier.json",
        request: request(
            20,
            .createSupplier(CreateSupplierPayload(supplier: "ACME", name: "Acme Lamps", currency: "EUR", termsDays: 30))
        ),
        command: try! CreateSupplier(supplier: acme, name: "Acme Lamps", currency: eur, paymentTermsDays: 30)),
    CommandSample(
        fixture: "commands/procurement/create_purchase_order.json",
        request: request(
            21,
            .createPurchaseOrder(
                CreatePurchaseOrderPayload(number: "PO-1", supplier: "ACME", expectedDelivery: "2027-01-15")),
            by: "alice"),
        command: CreatePurchaseOrder(number: po1, supplier: acme, expectedDelivery: day("2027-01-15"), requester: alice)
    ),
    CommandSample(
        fixture: "commands/procurement/add_purchase_order_item.json",
        request: request(
            22,
            .addPurchaseOrderItem(
                AddPurchaseOrderItemPayload(number: "PO-1", sku: "SMALL-TABLE", quantity: 100, unitPrice: 4999))),
        command: try! AddPurchaseOrderItem(number: po1, sku: sku("SMALL-TABLE"), quantity: 100, unitPrice: 4999)),
    CommandSample(
        fixture: "commands/procurement/remove_purchase_order_item.json",
        request: request(23, .removePurchaseOrderItem(RemovePurchaseOrderItemPayload(number: "PO-1", line: 2))),
        command: RemovePurchaseOrderItem(number: po1, line: 2)),
    CommandSample(
        fixture: "commands/procurement/submit_purchase_order.json",
        request: request(24, .submitPurchaseOrder(SubmitPurchaseOrderPayload(number: "PO-1")), by: "alice"),
        command: SubmitPurchaseOrder(number: po1, by: alice)),
    CommandSample(
        fixture: "commands/procurement/approve_purchase_order.json",
        request: request(25, .approvePurchaseOrder(ApprovePurchaseOrderPayload(number: "PO-1")), by: "bob"),
        command: ApprovePurchaseOrder(number: po1, by: bob)),
    CommandSample(
        fixture: "commands/procurement/reject_purchase_order.json",
        request: request(
            26, .rejectPurchaseOrder(RejectPurchaseOrderPayload(number: "PO-1", reason: "over budget")), by: "bob"),
        command: try! RejectPurchaseOrder(number: po1, by: bob, reason: "over budget")),
    CommandSample(
        fixture: "commands/procurement/cancel_purchase_order.json",
        request: request(
            27, .cancelPurchaseOrder(CancelPurchaseOrderPayload(number: "PO-1", reason: "no longer needed")),
            by: "alice"),
        command: try! CancelPurchaseOrder(number: po1, by: alice, reason: "no longer needed")),
    CommandSample(
        fixture: "commands/procurement/receive_goods.json",
        request: request(
            28,
            .receiveGoods(
                ReceiveGoodsPayload(
                    number: "PO-1", receivedOn: "2027-01-14",
                    lines: [ReceiptLinePayload(line: 1, quantity: 60, close: true)]))),
        command: try! ReceiveGoods(
            number: po1, receivedOn: day("2027-01-14"), lines: [ReceiptLine(line: 1, quantity: 60, closeShort: true)])),
    CommandSample(
        fixture: "commands/procurement/register_invoice.json",
        request: request(
            29,
            .registerInvoice(
                RegisterInvoicePayload(
                    supplier: "ACME", number: "INV-1", purchaseOrder: "PO-1", invoiceDate: "2027-01-20",
                    currency: "EUR", lines: [InvoiceLinePayload(sku: "SMALL-TABLE", quantity: 60, unitPrice: 4999)]))),
        command: try! RegisterInvoice(
            supplier: acme, number: inv1, purchaseOrder: po1, invoiceDate: day("2027-01-20"),
            lines: [InvoiceLine(sku: sku("SMALL-TABLE"), quantity: 60, unitPrice: eur(4999))])),
    CommandSample(
        fixture: "commands/procurement/approve_invoice.json",
        request: request(
            30,
            .approveInvoice(
                ApproveInvoicePayload(supplier: "ACME", number: "INV-1", overrideReason: "price rise agreed")),
            by: "bob"),
        command: try! ApproveInvoice(supplier: acme, number: inv1, by: bob, overrideReason: "price rise agreed")),
    CommandSample(
        fixture: "commands/procurement/reject_invoice.json",
        request: request(
            31, .rejectInvoice(RejectInvoicePayload(supplier: "ACME", number: "INV-1", reason: "wrong prices")),
            by: "bob"),
        command: try! RejectInvoice(supplier: acme, number: inv1, by: bob, reason: "wrong prices")),
    CommandSample(
        fixture: "commands/procurement/schedule_payment.json",
        request: request(32, .schedulePayment(SchedulePaymentPayload(supplier: "ACME", number: "INV-1"))),
        command: SchedulePayment(supplier: acme, number: inv1)),
    CommandSample(
        fixture: "commands/procurement/record_payment.json",
        request: request(
            33,
            .recordPayment(
                RecordPaymentPayload(
                    supplier: "ACME", number: "INV-1", amount: 299_940, currency: "EUR", paidOn: "2027-02-18",
                    reference: "TX-1"))),
        command: try! RecordPayment(
            supplier: acme, number: inv1, amount: 299_940, currency: eur, paidOn: day("2027-02-18"), reference: "TX-1")),
    CommandSample(
        fixture: "commands/record_batch_arrival.json",
        request: request(34, .recordBatchArrival(RecordBatchArrivalPayload(reference: "PO-1/1"))),
        command: RecordBatchArrival(reference: ref("PO-1/1"))),
]

private func envelope(_ n: Int, version: Int, command: Int, _ event: any Event) -> EventEnvelope {
    try! EventEnvelope(
        position: n, eventID: eventID(n % 10), occurredAt: instant3, aggregateVersion: version,
        commandID: commandID(command), event: event)
}

private let tableItem = PurchaseOrderItem(line: 1, sku: sku("SMALL-TABLE"), quantity: 100, unitPrice: eur(4999))
private let tableLine = try! InvoiceLine(sku: sku("SMALL-TABLE"), quantity: 60, unitPrice: eur(5100))

let procurementEvents: [(fixture: String, event: any Event)] = [
    (
        "events/procurement/supplier_created.json",
        SupplierCreated(supplier: acme, name: "Acme Lamps", currency: eur, paymentTermsDays: 30)
    ),
    (
        "events/procurement/purchase_order_created.json",
        PurchaseOrderCreated(
            number: po1, supplier: acme, currency: eur, requester: alice, expectedDelivery: day("2027-01-15"))
    ),
    (
        "events/procurement/purchase_order_item_added.json",
        PurchaseOrderItemAdded(
            number: po1, line: 1, sku: sku("SMALL-TABLE"), quantity: 100, unitPrice: eur(4999), total: eur(499_900))
    ),
    (
        "events/procurement/purchase_order_item_removed.json",
        PurchaseOrderItemRemoved(number: po1, line: 2, total: eur(499_900))
    ),
    (
        "events/procurement/purchase_order_submitted.json",
        PurchaseOrderSubmitted(number: po1, total: eur(499_900), by: alice)
    ),
    (
        "events/procurement/purchase_order_approved.json",
        PurchaseOrderApproved(
            number: po1, supplier: acme, total: eur(499_900), expectedDelivery: day("2027-01-15"), by: bob,
            items: [tableItem])
    ),
    (
        "events/procurement/purchase_order_rejected.json",
        PurchaseOrderRejected(number: po1, by: bob, reason: "over budget")
    ),
    (
        "events/procurement/purchase_order_cancelled.json",
        PurchaseOrderCancelled(number: po1, by: alice, reason: "no longer needed", items: [tableItem])
    ),
    (
        "events/procurement/goods_received.json",
        GoodsReceived(
            number: po1, receivedOn: day("2027-01-14"), expectedDelivery: day("2027-01-15"),
            lines: [
                GoodsReceived.Line(
                    line: 1, sku: sku("SMALL-TABLE"), quantity: 60, received: 60, ordered: 100, closedShort: true,
                    complete: true)
            ], status: .received)
    ),
    (
        "events/procurement/invoice_registered.json",
        InvoiceRegistered(
            supplier: acme, number: inv1, purchaseOrder: po1, invoiceDate: day("2027-01-20"), total: eur(306_000),
            lines: [tableLine],
            discrepancies: [.priceDiffers(sku("SMALL-TABLE"), invoiced: eur(5100), ordered: eur(4999))])
    ),
    (
        "events/procurement/invoice_rematched.json",
        InvoiceRematched(
            supplier: acme, number: inv1,
            discrepancies: [
                .quantityNotReceived(sku("SMALL-TABLE"), invoiced: 60, receivable: 40), .notOrdered(sku("LAMP")),
            ])
    ),
    (
        "events/procurement/invoice_approved.json",
        InvoiceApproved(
            supplier: acme, number: inv1, purchaseOrder: po1, total: eur(306_000), by: bob,
            overrideReason: "price rise agreed", paymentDue: day("2027-02-19"))
    ),
    (
        "events/procurement/invoice_rejected.json",
        InvoiceRejected(supplier: acme, number: inv1, by: bob, reason: "wrong prices")
    ),
    (
        "events/procurement/payment_scheduled.json",
        PaymentScheduled(supplier: acme, number: inv1, due: day("2027-02-19"), amount: eur(306_000))
    ),
    (
        "events/procurement/payment_made.json",
        PaymentMade(
            supplier: acme, number: inv1, amount: eur(306_000), paidOn: day("2027-02-18"), reference: "TX-1",
            balance: eur(0))
    ),
    ("events/batch_arrived.json", BatchArrived(reference: ref("PO-1/1"), sku: sku("SMALL-TABLE"))),
]

/// Who issued the commands behind these fixtures (the envelope's `issued_by`); the others name nobody.
private let issuers = [
    "events/procurement/purchase_order_created.json": "alice",
    "events/procurement/purchase_order_approved.json": "bob",
]

let procurementEventSamples: [EventSample] = procurementEvents.enumerated().map { index, sample in
    var envelope = envelope(100 + index, version: index + 1, command: 40 + index, sample.event)
    envelope.issuedBy = issuers[sample.fixture]
    return EventSample(fixture: sample.fixture, envelope: envelope, event: sample.event)
}
