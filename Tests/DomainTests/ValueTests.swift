import Domain
import Testing

@Suite struct ValueTests {
    @Test(arguments: [
        "", String(repeating: "x", count: 101), "tab\there", "del\u{7F}", "nul\u{0}", "next\u{85}line",
        "c1\u{9F}", String(repeating: "é", count: 101),
    ])
    func identifiersRefuseBadText(raw: String) {
        #expect(throws: DomainError.self) { try SKU(raw) }
    }

    /// Printable ASCII takes a shortcut past the scalars' properties; both ways agree.
    @Test(arguments: [
        "A", "SMALL-TABLE", " spaced ~", String(repeating: "x", count: 100), "lampe-é", "日本-1",
        String(repeating: "é", count: 100),
    ])
    func identifiersAreAccepted(_ raw: String) throws {
        #expect(try SKU(raw).rawValue == raw)
        #expect(IdentifierRule.problem(with: raw) == nil)
    }

    @Test func identifiersCompareByTheirBytes() throws {
        #expect(try SKU("LAMP") == SKU("LAMP"))
        #expect(try SKU("LAMP") != SKU("LAMPS"))
        #expect(try SKU("caf\u{E9}") != SKU("cafe\u{301}"))  // equal as Strings, not as identifiers
        #expect(try Set([SKU("a"), SKU("a"), SKU("b")]).count == 2)
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
