import Testing

@testable import cosmic

@Suite struct PathTemplateTests {
    @Test func everyPlaceholderGetsItsOwnNumber() {
        var numbers = [7, 42].makeIterator()
        let template = PathTemplate(template: "/allocations/seed-{n}?x={n}", nMax: 100)
        #expect(template.path { _ in numbers.next()! } == "/allocations/seed-7?x=42")
    }

    @Test func aPathWithoutPlaceholderIsKept() {
        #expect(PathTemplate(template: "/health", nMax: 5).path { _ in 1 } == "/health")
    }

    @Test func randomNumbersStayWithinOneToNMax() {
        let template = PathTemplate(template: "{n}", nMax: 3)
        let seen = Set((0..<200).map { _ in Int(template.path())! })
        #expect(seen.isSubset(of: [1, 2, 3]))
        #expect(seen.count == 3)
    }
}
