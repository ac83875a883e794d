import Domain
import Testing

@Suite struct ValueTests {
    @Test(arguments: ["", String(repeating: "x", count: 101), "tab\there"])
    func identifiersRefuseBadText(raw: String) {
        #expect(throws: DomainError.self) { try SKU(raw) }
    }

    @Test(arguments: [0, -5, 1_000_000_001, Int.max])
    func orderLinesRefuseQuantitiesOutOfBounds(quantity: Int) {
        #expect(throws: DomainError.self) { try OrderLine(orderID: order("o"), sku: sku("s"), quantity: quantity) }
    }

    @Test func daysParseCompareAndPrint() throws {
        #expect(try Day(iso8601: "2024-02-29").description == "2024-02-29")
        #expect(try Day(iso8601: "2026-01-31") < Day(iso8601: "2026-02-01"))
        for bad in ["2023-02-29", "2026-13-01", "2026-1-01", "tomorrow", "2026-01-01T00:00:00Z", "+026-01-01", ""] {
            #expect(throws: DomainError.self, "\(bad)") { try Day(iso8601: bad) }
        }
    }
}
