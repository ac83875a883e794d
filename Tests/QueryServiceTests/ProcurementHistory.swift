import Contracts
import Foundation

/// A purchase-to-pay history as the command service would publish it, each event at the time it was
/// committed (days matter: the KPIs count by the UTC day of `occurred_at`).
///
/// Two suppliers in two currencies; an order approved, partly received on time, then the rest late
/// and closed short; one rejected; one approved then cancelled; one approved and received with a
/// line closed short with nothing; one left in draft. Invoices matched at once, mismatched then
/// re-matched, approved over a price difference, rejected, and one still awaiting approval;
/// payments partial and full; OutOfStock events that put SKUs on the reorder list and orders that
/// take them off and put them back.
enum ProcurementHistory {
    struct Step {
        let at: Date
        let payload: EventPayload
    }

    static func time(_ text: String) -> Date { WireTimestamp.parse("2027-" + text + ":00.000Z")! }

    static func supplier(_ id: String, _ name: String, _ currency: String, _ terms: Int) -> EventPayload {
        .supplierCreated(SupplierCreatedPayload(supplier: id, name: name, currency: currency, termsDays: terms))
    }

    static func created(_ po: String, _ supplier: String, _ currency: String, _ requester: String, _ expected: String)
        -> EventPayload
    {
        .purchaseOrderCreated(
            PurchaseOrderCreatedPayload(
                number: po, supplier: supplier, currency: currency, requester: requester, expectedDelivery: expected))
    }

    static func added(
        _ po: String, _ line: Int, _ sku: String, _ qty: Int, _ price: Int, total: Int, _ currency: String
    )
        -> EventPayload
    {
        .purchaseOrderItemAdded(
            PurchaseOrderItemAddedPayload(
                number: po, line: line, sku: sku, quantity: qty, unitPrice: price, total: total, currency: currency))
    }

    static func item(_ line: Int, _ sku: String, _ qty: Int, _ price: Int) -> OrderItemPayload {
        OrderItemPayload(line: line, sku: sku, quantity: qty, unitPrice: price)
    }

    static func approved(
        _ po: String, _ supplier: String, _ total: Int, _ currency: String, expected: String, by: String,
        _ items: [OrderItemPayload]
    ) -> EventPayload {
        .purchaseOrderApproved(
            PurchaseOrderApprovedPayload(
                number: po, supplier: supplier, total: total, currency: currency, expectedDelivery: expected, by: by,
                items: items))
    }

    static func received(
        _ po: String, on day: String, expected: String, _ status: String, _ lines: [ReceivedLinePayload]
    )
        -> EventPayload
    {
        .goodsReceived(
            GoodsReceivedPayload(number: po, receivedOn: day, expectedDelivery: expected, status: status, lines: lines))
    }

    static func line(
        _ line: Int, _ sku: String, qty: Int, received: Int, ordered: Int, closedShort: Bool = false, complete: Bool
    ) -> ReceivedLinePayload {
        ReceivedLinePayload(
            line: line, sku: sku, quantity: qty, received: received, ordered: ordered, closedShort: closedShort,
            complete: complete)
    }

    static func invoice(
        _ supplier: String, _ number: String, po: String, date: String, total: Int, _ currency: String,
        _ lines: [InvoiceLinePayload], _ discrepancies: [DiscrepancyPayload] = []
    ) -> EventPayload {
        .invoiceRegistered(
            InvoiceRegisteredPayload(
                supplier: supplier, number: number, purchaseOrder: po, invoiceDate: date, total: total,
                currency: currency, lines: lines, discrepancies: discrepancies))
    }

    static func invoiceApproved(
        _ supplier: String, _ number: String, po: String, total: Int, _ currency: String, by: String,
        override: String? = nil, due: String
    ) -> EventPayload {
        .invoiceApproved(
            InvoiceApprovedPayload(
                supplier: supplier, number: number, purchaseOrder: po, total: total, currency: currency, by: by,
                overrideReason: override, paymentDue: due))
    }

    static func scheduled(_ supplier: String, _ number: String, due: String, _ amount: Int, _ currency: String)
        -> EventPayload
    {
        .paymentScheduled(
            PaymentScheduledPayload(supplier: supplier, number: number, due: due, amount: amount, currency: currency))
    }

    static func paid(
        _ supplier: String, _ number: String, _ amount: Int, _ currency: String, on day: String, _ reference: String,
        balance: Int
    ) -> EventPayload {
        .paymentMade(
            PaymentMadePayload(
                supplier: supplier, number: number, amount: amount, currency: currency, paidOn: day,
                reference: reference, balance: balance))
    }

    static func outOfStock(_ orderid: String, _ sku: String, _ qty: Int) -> EventPayload {
        .outOfStock(OutOfStockPayload(sku: sku, orderID: orderid, quantity: qty))
    }

    /// The story; comments give the position of each event.
    static let steps: [Step] = [
        // 1-2
        Step(at: time("01-04T08:00"), payload: supplier("ACME", "Acme Tools", "EUR", 30)),
        Step(at: time("01-04T08:05"), payload: supplier("NORD", "Nordic Timber", "USD", 14)),
        // 3-9: PO-1, approved two hours after its submission.
        Step(at: time("01-04T09:00"), payload: created("PO-1", "ACME", "EUR", "alice", "2027-01-11")),
        Step(at: time("01-04T09:01"), payload: added("PO-1", 1, "LAMP", 100, 250, total: 25_000, "EUR")),
        Step(at: time("01-04T09:02"), payload: added("PO-1", 2, "DESK", 10, 12_000, total: 145_000, "EUR")),
        Step(at: time("01-04T09:03"), payload: added("PO-1", 3, "VASE", 5, 1_000, total: 150_000, "EUR")),
        Step(
            at: time("01-04T09:04"),
            payload: .purchaseOrderItemRemoved(
                PurchaseOrderItemRemovedPayload(number: "PO-1", line: 3, total: 145_000, currency: "EUR"))),
        Step(
            at: time("01-04T10:00"),
            payload: .purchaseOrderSubmitted(
                PurchaseOrderSubmittedPayload(number: "PO-1", total: 145_000, currency: "EUR", by: "alice"))),
        Step(
            at: time("01-04T12:00"),
            payload: approved(
                "PO-1", "ACME", 145_000, "EUR", expected: "2027-01-11", by: "bob",
                [item(1, "LAMP", 100, 250), item(2, "DESK", 10, 12_000)])),
        // 10-16: PO-2 rejected; PO-3 submitted.
        Step(at: time("01-05T09:00"), payload: created("PO-2", "ACME", "EUR", "carol", "2027-01-08")),
        Step(at: time("01-05T09:01"), payload: added("PO-2", 1, "CHAIR", 20, 5_000, total: 100_000, "EUR")),
        Step(
            at: time("01-05T09:30"),
            payload: .purchaseOrderSubmitted(
                PurchaseOrderSubmittedPayload(number: "PO-2", total: 100_000, currency: "EUR", by: "carol"))),
        Step(at: time("01-05T10:00"), payload: created("PO-3", "NORD", "USD", "alice", "2027-01-15")),
        Step(at: time("01-05T10:01"), payload: added("PO-3", 1, "PLANK", 200, 300, total: 60_000, "USD")),
        Step(
            at: time("01-05T10:30"),
            payload: .purchaseOrderSubmitted(
                PurchaseOrderSubmittedPayload(number: "PO-3", total: 60_000, currency: "USD", by: "alice"))),
        Step(
            at: time("01-05T11:00"),
            payload: .purchaseOrderRejected(
                PurchaseOrderRejectedPayload(number: "PO-2", by: "bob", reason: "too expensive"))),
        // 17: PO-3 approved a day after its submission.
        Step(
            at: time("01-06T10:30"),
            payload: approved(
                "PO-3", "NORD", 60_000, "USD", expected: "2027-01-15", by: "dave", [item(1, "PLANK", 200, 300)])),
        // 18-20: out of stock; LAMP and PLANK are on order, CHAIR is not.
        Step(at: time("01-06T11:00"), payload: outOfStock("order-7", "LAMP", 5)),
        Step(at: time("01-06T11:05"), payload: outOfStock("order-8", "PLANK", 30)),
        Step(at: time("01-06T11:10"), payload: outOfStock("order-9", "CHAIR", 2)),
        // 21: PO-3 cancelled: PLANK is no longer on order.
        Step(
            at: time("01-07T09:00"),
            payload: .purchaseOrderCancelled(
                PurchaseOrderCancelledPayload(
                    number: "PO-3", by: "alice", reason: "supplier cannot deliver", items: [item(1, "PLANK", 200, 300)])
            )
        ),
        // 22-26: PO-4 covers CHAIR and PLANK, approved 30 minutes after its submission.
        Step(at: time("01-07T10:00"), payload: created("PO-4", "NORD", "USD", "carol", "2027-01-12")),
        Step(at: time("01-07T10:01"), payload: added("PO-4", 1, "CHAIR", 10, 4_000, total: 40_000, "USD")),
        Step(at: time("01-07T10:02"), payload: added("PO-4", 2, "PLANK", 50, 300, total: 55_000, "USD")),
        Step(
            at: time("01-07T11:00"),
            payload: .purchaseOrderSubmitted(
                PurchaseOrderSubmittedPayload(number: "PO-4", total: 55_000, currency: "USD", by: "carol"))),
        Step(
            at: time("01-07T11:30"),
            payload: approved(
                "PO-4", "NORD", 55_000, "USD", expected: "2027-01-12", by: "dave",
                [item(1, "CHAIR", 10, 4_000), item(2, "PLANK", 50, 300)])),
        // 27: PO-1's first receipt, early: 60 of 100 lamps and every desk.
        Step(
            at: time("01-08T15:00"),
            payload: received(
                "PO-1", on: "2027-01-08", expected: "2027-01-11", "partially_received",
                [
                    line(1, "LAMP", qty: 60, received: 60, ordered: 100, complete: false),
                    line(2, "DESK", qty: 10, received: 10, ordered: 10, complete: true),
                ])),
        // 28-30: A-100 matched at once, approved, its payment scheduled.
        Step(
            at: time("01-09T09:00"),
            payload: invoice(
                "ACME", "A-100", po: "PO-1", date: "2027-01-09", total: 135_000, "EUR",
                [
                    InvoiceLinePayload(sku: "LAMP", quantity: 60, unitPrice: 250),
                    InvoiceLinePayload(sku: "DESK", quantity: 10, unitPrice: 12_000),
                ])),
        Step(
            at: time("01-10T09:00"),
            payload: invoiceApproved("ACME", "A-100", po: "PO-1", total: 135_000, "EUR", by: "bob", due: "2027-02-08")),
        Step(at: time("01-10T09:01"), payload: scheduled("ACME", "A-100", due: "2027-02-08", 135_000, "EUR")),
        // 31: A-101 bills lamps not received yet.
        Step(
            at: time("01-10T14:00"),
            payload: invoice(
                "ACME", "A-101", po: "PO-1", date: "2027-01-10", total: 7_500, "EUR",
                [InvoiceLinePayload(sku: "LAMP", quantity: 30, unitPrice: 250)],
                [DiscrepancyPayload(sku: "LAMP", kind: "quantity_not_received", invoiced: 30, expected: 0)])),
        // 32-33: the last lamps arrive late, the line closed short at 90; A-101 matches now.
        Step(
            at: time("01-12T09:00"),
            payload: received(
                "PO-1", on: "2027-01-12", expected: "2027-01-11", "received",
                [line(1, "LAMP", qty: 30, received: 90, ordered: 100, closedShort: true, complete: true)])),
        Step(
            at: time("01-12T09:00"),
            payload: .invoiceRematched(InvoiceRematchedPayload(supplier: "ACME", number: "A-101", discrepancies: []))),
        // 34: PO-4's chairs arrive on the expected day.
        Step(
            at: time("01-12T10:00"),
            payload: received(
                "PO-4", on: "2027-01-12", expected: "2027-01-12", "partially_received",
                [line(1, "CHAIR", qty: 10, received: 10, ordered: 10, complete: true)])),
        // 35-36: N-1 at a higher price; N-2 for planks that never came.
        Step(
            at: time("01-12T11:00"),
            payload: invoice(
                "NORD", "N-1", po: "PO-4", date: "2027-01-12", total: 42_000, "USD",
                [InvoiceLinePayload(sku: "CHAIR", quantity: 10, unitPrice: 4_200)],
                [DiscrepancyPayload(sku: "CHAIR", kind: "price_differs", invoiced: 4_200, expected: 4_000)])),
        Step(
            at: time("01-12T11:30"),
            payload: invoice(
                "NORD", "N-2", po: "PO-4", date: "2027-01-12", total: 15_000, "USD",
                [InvoiceLinePayload(sku: "PLANK", quantity: 50, unitPrice: 300)],
                [DiscrepancyPayload(sku: "PLANK", kind: "quantity_not_received", invoiced: 50, expected: 0)])),
        // 37-40: A-101 approved; N-1 approved over its price difference.
        Step(
            at: time("01-12T16:00"),
            payload: invoiceApproved("ACME", "A-101", po: "PO-1", total: 7_500, "EUR", by: "bob", due: "2027-02-09")),
        Step(at: time("01-12T16:01"), payload: scheduled("ACME", "A-101", due: "2027-02-09", 7_500, "EUR")),
        Step(
            at: time("01-13T09:00"),
            payload: invoiceApproved(
                "NORD", "N-1", po: "PO-4", total: 42_000, "USD", by: "dave", override: "price increase agreed",
                due: "2027-01-26")),
        Step(at: time("01-13T09:01"), payload: scheduled("NORD", "N-1", due: "2027-01-26", 42_000, "USD")),
        // 41: the planks will not come: the line is closed short with nothing (no delivery).
        Step(
            at: time("01-14T10:00"),
            payload: received(
                "PO-4", on: "2027-01-14", expected: "2027-01-12", "received",
                [line(2, "PLANK", qty: 0, received: 0, ordered: 50, closedShort: true, complete: true)])),
        // 42: N-2 rejected.
        Step(
            at: time("01-14T12:00"),
            payload: .invoiceRejected(
                InvoiceRejectedPayload(supplier: "NORD", number: "N-2", by: "dave", reason: "goods not received"))),
        // 43-45: payments, partial and full.
        Step(
            at: time("01-20T10:00"),
            payload: paid("ACME", "A-100", 50_000, "EUR", on: "2027-01-20", "TRF-1", balance: 85_000)),
        Step(
            at: time("01-21T10:00"),
            payload: paid("NORD", "N-1", 20_000, "USD", on: "2027-01-21", "TRF-2", balance: 22_000)),
        Step(
            at: time("02-05T10:00"),
            payload: paid("ACME", "A-100", 85_000, "EUR", on: "2027-02-05", "TRF-3", balance: 0)),
        // 46-49: VASE runs out (only ever on a draft); PO-5 stays a draft; A-102 awaits approval.
        Step(at: time("02-05T11:00"), payload: outOfStock("order-10", "VASE", 3)),
        Step(at: time("02-05T12:00"), payload: created("PO-5", "ACME", "EUR", "alice", "2027-02-20")),
        Step(at: time("02-05T12:01"), payload: added("PO-5", 1, "VASE", 10, 1_000, total: 10_000, "EUR")),
        Step(
            at: time("02-05T13:00"),
            payload: invoice(
                "ACME", "A-102", po: "PO-1", date: "2027-02-05", total: 24_000, "EUR",
                [InvoiceLinePayload(sku: "DESK", quantity: 2, unitPrice: 12_000)],
                [DiscrepancyPayload(sku: "DESK", kind: "quantity_not_received", invoiced: 2, expected: 0)])),
    ]

    /// The envelopes of `steps`, from position 1.
    static func envelopes(_ steps: [Step] = steps, from first: Int = 1) -> [EventEnvelope] {
        steps.enumerated().map { index, step in
            History.envelope(position: first + index, payload: step.payload, at: step.at)
        }
    }
}
