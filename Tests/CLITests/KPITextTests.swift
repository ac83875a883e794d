import Foundation
import Testing

@testable import cosmic

/// `cosmic kpis` as text: money from integer minor units, never through a float.
@Suite struct KPITextTests {
    @Test(arguments: [
        (123_456, "EUR", "EUR 1,234.56"), (5, "EUR", "EUR 0.05"), (-250, "USD", "USD -2.50"),
        (1_234, "JPY", "JPY 1,234"), (9_007_199_254_740_993, "EUR", "EUR 90,071,992,547,409.93"),
    ])
    func moneyIsShownInMajorUnits(_ minor: Int, _ currency: String, _ text: String) {
        #expect(KPIText.money(minor: minor, currency: currency) == text)
    }

    @Test(arguments: [
        (0.4, "0 s"), (59.0, "59 s"), (61.0, "1 min 1 s"), (3_600.0, "1 h 0 min"), (31_800.0, "8 h 50 min"),
        (90_000.0, "1 d 1 h"),
    ])
    func aCycleTimeReadsInItsLargestUnits(_ seconds: Double, _ text: String) {
        #expect(KPIText.duration(seconds) == text)
    }

    @Test func theKPIsReadAsLines() throws {
        let json = """
            {"from":"2027-01-01","to":null,"today":"2027-01-20",
             "orders_created":{"count":5,"value":[{"currency":"EUR","value":255000},{"currency":"USD","value":115000}]},
             "orders_approved":{"count":3,"value":[{"currency":"EUR","value":145000}]},
             "orders_rejected":1,"orders_cancelled":1,
             "approval_cycle":{"approvals":3,"average_seconds":31800},
             "on_time_delivery":{"receipt_lines":4,"on_time":3,"rate":0.75},
             "first_pass_match":{"registered":5,"matched":1,"rate":0.2},
             "invoices_approved":{"count":3,"value":[{"currency":"EUR","value":142500}]},
             "payments_made":{"count":0,"value":[]},
             "invoices_awaiting_approval":{"count":1,"value":[{"currency":"EUR","value":24000}]},
             "payments_due":{"from":"2027-01-20","to":"2027-01-27","count":1,"value":[{"currency":"USD","value":22000}]},
             "spend_by_supplier":[{"currency":"EUR","suppliers":[{"supplier":"ACME","name":"Acme Tools","value":142500}]}],
             "reorder_list":[{"sku":"CHAIR","out_of_stock":1,"units_short":2,"last_out_of_stock_at":"2027-01-06T11:10:00.000Z"}]}
            """
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let text = KPIText.render(try decoder.decode(KPIText.Document.self, from: Data(json.utf8)))
        for line in [
            "Procurement KPIs, 2027-01-01 to now (UTC days; today 2027-01-20)",
            "orders created                5       EUR 2,550.00, USD 1,150.00",
            "average approval cycle        8 h 50 min",
            "on-time delivery              75.0%   3 of 4 receipt lines",
            "first-pass match              20.0%   1 of 5 invoices",
            "due 2027-01-20..2027-01-27    1       USD 220.00",
            "  ACME                                EUR 1,425.00",
            "  CHAIR                               1 out-of-stock event, 2 units short",
        ] {
            #expect(text.contains(line), "\(line)\n\(text)")
        }
    }
}
