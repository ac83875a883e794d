import Contracts
import Foundation
import Testing

@testable import QueryService

/// A benchmark, not a test: KPI reads on the projections of 100,000 purchase orders (about a
/// million events over a year, 40 suppliers, two currencies). Runs only with
/// COSMIC_PROCUREMENT_BENCH=1 and prints the latencies of GET /api/procurement/kpis's query.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["COSMIC_PROCUREMENT_BENCH"] == "1"))
struct ProcurementKPIBenchmark {
    @Test func kpiReadsOnAHundredThousandOrders() async throws {
        try await withSandbox { sandbox in
            // COSMIC_PROCUREMENT_BENCH_KEEP=PATH keeps the database there, for a look with sqlite3.
            let path = ProcessInfo.processInfo.environment["COSMIC_PROCUREMENT_BENCH_KEEP"] ?? sandbox.path("bench.sqlite")
            try? FileManager.default.removeItem(atPath: path)
            let store = try ProjectionStore(path: path)
            let orders = Int(ProcessInfo.processInfo.environment["COSMIC_PROCUREMENT_BENCH_ORDERS"] ?? "") ?? 100_000
            let start = ProcurementHistory.time("01-01T08:00")
            var events: [EventEnvelope] = []
            var position = 0
            func add(_ payload: EventPayload, _ at: Date) {
                position += 1
                events.append(History.envelope(position: position, payload: payload, at: at))
            }
            for s in 0..<40 {
                add(ProcurementHistory.supplier("S\(s)", "Supplier \(s)", s % 2 == 0 ? "EUR" : "USD", 30), start)
            }
            let began = ContinuousClock.now
            for n in 0..<orders {
                let supplier = "S\(n % 40)"
                let currency = n % 2 == 0 ? "EUR" : "USD"
                let at = start.addingTimeInterval(Double(n) * 365 * 86_400 / Double(orders))
                let po = "PO-\(n)"
                let expected = CalendarDay(of: at).adding(days: 7).description
                add(ProcurementHistory.created(po, supplier, currency, "alice", expected), at)
                add(ProcurementHistory.added(po, 1, "SKU-\(n % 500)", 10, 100, total: 1_000, currency), at)
                add(
                    .purchaseOrderSubmitted(
                        PurchaseOrderSubmittedPayload(number: po, total: 1_000, currency: currency, by: "alice")), at)
                if n % 10 == 9 {
                    add(.purchaseOrderRejected(PurchaseOrderRejectedPayload(number: po, by: "bob", reason: "no")), at)
                    continue
                }
                let approvedAt = at.addingTimeInterval(3_600)
                add(
                    ProcurementHistory.approved(
                        po, supplier, 1_000, currency, expected: expected, by: "bob",
                        [ProcurementHistory.item(1, "SKU-\(n % 500)", 10, 100)]), approvedAt)
                let receivedAt = at.addingTimeInterval(Double(5 + n % 5) * 86_400)
                let receivedOn = CalendarDay(of: receivedAt).description
                add(
                    ProcurementHistory.received(
                        po, on: receivedOn, expected: expected, "received",
                        [
                            ProcurementHistory.line(
                                1, "SKU-\(n % 500)", qty: 10, received: 10, ordered: 10, complete: true)
                        ]),
                    receivedAt)
                let invoice = "I-\(n)"
                add(
                    ProcurementHistory.invoice(
                        supplier, invoice, po: po, date: receivedOn, total: 1_000, currency,
                        [InvoiceLinePayload(sku: "SKU-\(n % 500)", quantity: 10, unitPrice: 100)]), receivedAt)
                if n % 7 == 0 { continue }  // awaiting approval
                let due = CalendarDay(of: receivedAt).adding(days: 30).description
                add(
                    ProcurementHistory.invoiceApproved(
                        supplier, invoice, po: po, total: 1_000, currency, by: "bob", due: due),
                    receivedAt)
                add(ProcurementHistory.scheduled(supplier, invoice, due: due, 1_000, currency), receivedAt)
                if n % 3 == 0 {
                    add(
                        ProcurementHistory.paid(supplier, invoice, 1_000, currency, on: due, "T-\(n)", balance: 0),
                        receivedAt.addingTimeInterval(30 * 86_400))
                }
                if n % 50 == 0 { add(ProcurementHistory.outOfStock("o-\(n)", "SKU-\(n % 500)", 1), receivedAt) }
            }
            events.sort { $0.occurredAt < $1.occurredAt }
            events = events.enumerated().map { index, event in
                var event = event
                event.position = index + 1
                return event
            }
            for chunk in stride(from: 0, to: events.count, by: 20_000) {
                try await store.apply(Array(events[chunk..<min(chunk + 20_000, events.count)]))
            }
            print("applied \(events.count) events of \(orders) orders in \(ContinuousClock.now - began)")

            let model = ReadModel(store: store)
            let today = CalendarDay("2027-06-01")!
            let ranges: [(CalendarDay?, CalendarDay?)] = [
                (nil, nil), (CalendarDay("2027-01-01"), CalendarDay("2027-12-31")),
                (CalendarDay("2027-03-15"), CalendarDay("2027-09-20")),
                (CalendarDay("2027-05-01"), CalendarDay("2027-05-07")),
                (CalendarDay("2026-12-31"), nil),
            ]
            for (from, to) in ranges {
                var samples: [Duration] = []
                for _ in 0..<300 {
                    let t = ContinuousClock.now
                    _ = try await model.procurementKPIs(from: from, to: to, today: today)
                    samples.append(ContinuousClock.now - t)
                }
                samples.sort()
                print(
                    "kpis \(from?.description ?? "…")..\(to?.description ?? "…"): p50 \(samples[150]) p99 \(samples[296]) max \(samples.last!)"
                )
            }
        }
    }
}
