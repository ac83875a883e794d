import Contracts
import Foundation
import Testing

@testable import QueryService

/// Identifiers that differ only in Unicode form (`café` with a composed `é`, and `e` + U+0301) are
/// two identifiers to the protocol and to SQLite, and so to every projection: none adds the figures
/// of the one to the other's, also when both arrive in one batch (where figures are added up in
/// memory before they are written).
@Suite struct IdentifierFormTests {
    static let composed = "caf\u{E9}"
    static let decomposed = "cafe\u{301}"

    @Test func stockAndTheReorderListKeepBothForms() async throws {
        let (c, d) = (Self.composed, Self.decomposed)
        try await withSandbox { sandbox in
            let store = try await referenceStore(
                [
                    History.batch("ref-" + c, c, 3),
                    History.batch("ref-" + d, d, 4),
                    History.allocated("order-1", d, 2, "ref-" + d),
                    History.outOfStock("order-2", c, 7),
                    History.outOfStock("order-3", d, 11),
                    History.outOfStock("order-4", d, 5),
                ], at: sandbox.path("forms.sqlite"))
            let model = ReadModel(store: store)

            let first = try #require(try await model.stock(sku: c).stock)
            #expect(first.purchased == 3 && first.allocated == 0 && first.outOfStock == 1)
            #expect(first.batches.map(\.ref) == ["ref-" + c] && first.batches[0].allocated == 0)
            let second = try #require(try await model.stock(sku: d).stock)
            #expect(second.purchased == 4 && second.allocated == 2 && second.outOfStock == 2)
            #expect(second.batches.map(\.ref) == ["ref-" + d] && second.batches[0].allocated == 2)

            let reorder = try await model.procurementKPIs(
                from: nil, to: nil, today: CalendarDay("2027-01-01")!
            ).kpis.reorderList
            #expect(reorder.count == 2)
            #expect(reorder.first { IdentifierKey($0.sku) == IdentifierKey(c) }?.unitsShort == 7)
            #expect(reorder.first { IdentifierKey($0.sku) == IdentifierKey(d) }?.unitsShort == 16)
        }
    }

    @Test func ordersSuppliersAndInvoicedLinesKeepBothForms() async throws {
        let (c, d) = (Self.composed, Self.decomposed)
        typealias P = ProcurementHistory
        try await withSandbox { sandbox in
            let store = try await referenceStore(
                [
                    P.supplier(c, "Composed", "EUR", 30),
                    P.supplier(d, "Decomposed", "EUR", 30),
                    P.created("PO-" + c, c, "EUR", "alice", "2027-01-20"),
                    P.created("PO-" + d, d, "EUR", "alice", "2027-01-20"),
                    // One order with a line of each SKU form.
                    P.added("PO-" + c, 1, c, 5, 100, total: 500, "EUR"),
                    P.added("PO-" + c, 2, d, 5, 100, total: 1_000, "EUR"),
                    P.approved(
                        "PO-" + c, c, 1_000, "EUR", expected: "2027-01-20", by: "bob",
                        [P.item(1, c, 5, 100), P.item(2, d, 5, 100)]),
                    P.invoice(
                        c, "INV-1", po: "PO-" + c, date: "2027-01-21", total: 500, "EUR",
                        [InvoiceLinePayload(sku: c, quantity: 5, unitPrice: 100)]),
                    P.invoiceApproved(c, "INV-1", po: "PO-" + c, total: 500, "EUR", by: "bob", due: "2027-02-20"),
                ], at: sandbox.path("forms.sqlite"))
            let model = ReadModel(store: store)

            let order = try #require(try await model.purchaseOrder("PO-" + c).order)
            #expect(order.supplier == c && order.lines.map(\.invoiced) == [5, 0])
            let other = try #require(try await model.purchaseOrder("PO-" + d).order)
            #expect(other.supplier == d && other.status == "draft" && other.lines.isEmpty)

            let first = try #require(try await model.supplier(c).supplier)
            #expect(first.name == "Composed" && first.orders.count == 1 && first.invoices.count == 1)
            #expect(first.spend == [MoneyAmount(currency: "EUR", value: 500)])
            let second = try #require(try await model.supplier(d).supplier)
            #expect(second.name == "Decomposed" && second.orders.count == 1 && second.invoices.count == 0)
            #expect(second.spend.isEmpty)
        }
    }
}
