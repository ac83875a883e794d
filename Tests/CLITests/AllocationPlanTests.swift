import Testing

@testable import cosmic

@Suite struct AllocationPlanTests {
    @Test func commandsAreSpreadEvenlyOverTheSKUs() {
        let plan = AllocationPlan(runID: "r", clients: 4, skus: 3)
        var hits = [Int](repeating: 0, count: 3)
        for client in 0..<4 {
            for k in 0..<30 { hits[plan.skuIndex(client: client, command: k)] += 1 }
        }
        #expect(hits == [40, 40, 40])
        // Neighbouring clients start on different SKUs.
        #expect(Set((0..<3).map { plan.skuIndex(client: $0, command: 0) }).count == 3)
    }

    @Test func everyIdentifierStartsWithTheRunID() {
        let plan = AllocationPlan(runID: "abc123", clients: 2, skus: 2)
        #expect(plan.sku(1) == "abc123-sku-1")
        #expect(plan.orderID(.measured, client: 1, command: 7) == "abc123-m1-7")
        #expect(plan.orderID(.warmup, client: 0, command: 0) == "abc123-w0-0")
        #expect(plan.batchCount == 2 * AllocationPlan.batchesPerSKU)
        let batches = (0..<plan.batchCount).map(plan.createBatch)
        #expect(Set(batches.map(\.reference)).count == plan.batchCount)
        #expect(Set(batches.map(\.commandID)).count == plan.batchCount)
        #expect(batches.allSatisfy { $0.reference.hasPrefix("abc123-") && $0.sku.hasPrefix("abc123-sku-") })
        #expect(Set(batches.map(\.sku)) == ["abc123-sku-0", "abc123-sku-1"])
    }

    @Test func runIDsAreShortAndPlain() {
        #expect(AllocationPlan.isValidRunID(AllocationPlan.randomRunID()))
        #expect(AllocationPlan.randomRunID().count == 6)
        #expect(AllocationPlan.isValidRunID("A-b_9"))
        #expect(!AllocationPlan.isValidRunID(""))
        #expect(!AllocationPlan.isValidRunID("a/b"))
        #expect(!AllocationPlan.isValidRunID("é"))
    }

    @Test func pacingSharesTheRateEvenlyOverTheClients() {
        let start = ContinuousClock.now
        let paced = LoadSchedule(start: start, warmup: .seconds(1), stop: .count(10), rate: 100, clients: 4)
        #expect(paced.sendTime(client: 0, command: 0) == start)
        #expect(paced.sendTime(client: 1, command: 2) == start + .milliseconds(90))
        let sends = (0..<4).flatMap { client in (0..<5).map { paced.sendTime(client: client, command: $0)! } }.sorted()
        #expect(zip(sends, sends.dropFirst()).allSatisfy { $1 - $0 == .milliseconds(10) })
        #expect(paced.measureStart == start + .seconds(1))
        #expect(paced.measureEnd == nil)

        let closed = LoadSchedule(start: start, warmup: .zero, stop: .after(.seconds(5)), rate: nil, clients: 4)
        #expect(closed.sendTime(client: 3, command: 9) == nil)
        #expect(closed.measureEnd == start + .seconds(5))
    }
}
