import Domain
import Testing

@Suite struct BatchTests {
    @Test func allocatingToABatchReducesTheAvailableQuantity() {
        var (batch, line) = makeBatchAndLine("SMALL-TABLE", batchQuantity: 20, lineQuantity: 2)
        batch.allocate(line)
        #expect(batch.availableQuantity == 18)
        #expect(batch.allocatedQuantity == 2)
    }

    @Test(arguments: [(20, 2, true), (2, 20, false), (2, 2, true)])
    func canAllocateOnlyWhatIsAvailable(batchQuantity: Int, lineQuantity: Int, expected: Bool) {
        let (batch, line) = makeBatchAndLine("ELEGANT-LAMP", batchQuantity: batchQuantity, lineQuantity: lineQuantity)
        #expect(batch.canAllocate(line) == expected)
    }

    @Test func cannotAllocateIfSKUsDoNotMatch() {
        var batch = batch("batch-001", "UNCOMFORTABLE-CHAIR", 100)
        let different = line("order-123", "EXPENSIVE-TOASTER", 10)
        #expect(!batch.canAllocate(different))
        batch.allocate(different)
        #expect(batch.availableQuantity == 100)
    }

    @Test func allocationIsIdempotent() {
        var (batch, line) = makeBatchAndLine("ANGULAR-DESK", batchQuantity: 20, lineQuantity: 2)
        batch.allocate(line)
        batch.allocate(line)
        #expect(batch.availableQuantity == 18)
        #expect(batch.allocations == [line])
    }

    @Test func canOnlyDeallocateAllocatedLines() {
        var (batch, unallocated) = makeBatchAndLine("DECORATIVE-TRINKET", batchQuantity: 20, lineQuantity: 2)
        #expect(batch.deallocate(unallocated.orderID) == nil)
        #expect(batch.availableQuantity == 20)
    }

    @Test func deallocateGivesTheStockBack() {
        var (batch, line) = makeBatchAndLine("DECORATIVE-TRINKET", batchQuantity: 20, lineQuantity: 2)
        batch.allocate(line)
        #expect(batch.deallocate(line.orderID) == line)
        #expect(batch.availableQuantity == 20)
        #expect(batch.allocations.isEmpty)
    }

    @Test func aBatchLoadedWithSomeOfItsLinesKeepsItsTotal() {
        let known = line("o2", "LAMP", 3)
        let batch = Batch(
            reference: ref("b1"), sku: sku("LAMP"), eta: nil, purchasedQuantity: 100, allocatedQuantity: 60,
            knownAllocations: [known])
        #expect(batch.availableQuantity == 40)
        #expect(!batch.canAllocate(line("o3", "LAMP", 41)))
        #expect(batch.allocation(of: order("o2")) == known)
    }

    @Test func aBatchMayBeEmptyButNeverNegative() throws {
        #expect(throws: Never.self) { try Batch(reference: ref("b"), sku: sku("S"), quantity: 0) }
        #expect(throws: DomainError.invalidQuantity("qty", -1, "must be between 0 and 1000000000")) {
            try Batch(reference: ref("b"), sku: sku("S"), quantity: -1)
        }
    }
}
