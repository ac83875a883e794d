import Domain
import Testing

@Suite struct PurchaseOrderTests {
    @Test func theTotalIsAlwaysTheSumOfTheItems() throws {
        var order = draftOrder()
        var generator = SystemRandomNumberGenerator()
        var skus: [String] = []
        for step in 0..<200 {
            if skus.isEmpty || Bool.random(using: &generator) {
                let sku = "SKU-\(step)"
                try order.addItem(
                    sku: SKU(sku), quantity: Int.random(in: 1...50), unitPrice: money(Int.random(in: 0...9999)))
                skus.append(sku)
            } else {
                let index = Int.random(in: 0..<skus.count)
                let line = order.item(try SKU(skus.remove(at: index)))!.line
                try order.removeItem(line: line)
            }
            let sum = order.items.reduce(0) { $0 + $1.quantity * $1.unitPrice.minorUnits }
            #expect(order.total.minorUnits == sum)
        }
        for event in order.takeEvents() {
            if let added = event as? PurchaseOrderItemAdded { #expect(added.total.currency == eur) }
        }
    }

    @Test func eachEventCarriesTheTotalAfterTheChange() throws {
        var order = draftOrder()
        try order.addItem(sku: SKU("LAMP"), quantity: 3, unitPrice: money(1000))
        try order.addItem(sku: SKU("DESK"), quantity: 1, unitPrice: money(25000))
        try order.removeItem(line: 1)
        let totals = order.takeEvents().compactMap { event -> Int? in
            (event as? PurchaseOrderItemAdded)?.total.minorUnits
                ?? (event as? PurchaseOrderItemRemoved)?.total.minorUnits
        }
        #expect(totals == [3000, 28000, 25000])
    }

    @Test func anItemPricedInAnotherCurrencyIsRefused() throws {
        var order = draftOrder()
        #expect(throws: ProcurementError.currencyMismatch(expected: eur, got: usd)) {
            try order.addItem(sku: SKU("LAMP"), quantity: 1, unitPrice: money(100, usd))
        }
    }

    @Test func anOrderHasOneLinePerSKU() throws {
        var order = draftOrder(items: [("LAMP", 1, 100)])
        #expect(throws: ProcurementError.duplicateItem(try SKU("LAMP"))) {
            try order.addItem(sku: SKU("LAMP"), quantity: 2, unitPrice: money(100))
        }
    }

    @Test func itemsChangeOnlyInDraft() throws {
        var order = draftOrder(items: [("LAMP", 1, 100)])
        try order.submit(by: alice)
        #expect(throws: ProcurementError.self) { try order.addItem(sku: SKU("DESK"), quantity: 1, unitPrice: money(1)) }
        #expect(throws: ProcurementError.self) { try order.removeItem(line: 1) }
    }

    @Test func anEmptyOrderCannotBeSubmitted() {
        var order = draftOrder()
        #expect(throws: ProcurementError.emptyOrder(order.number)) { try order.submit(by: alice) }
    }

    @Test func theRequesterMayNotApproveTheirOwnOrder() throws {
        var order = draftOrder(items: [("LAMP", 1, 100)], requester: alice)
        try order.submit(by: alice)
        #expect(throws: ProcurementError.selfApproval(alice)) { try order.approve(by: alice) }
        #expect(order.status == .submitted)
        try order.approve(by: bob)
        #expect(order.status == .approved)
        #expect(order.approver == bob)
    }

    @Test func onlyASubmittedOrderCanBeApproved() {
        var order = draftOrder(items: [("LAMP", 1, 100)])
        #expect(
            throws: ProcurementError.invalidState(document: "purchase order PO-1", status: "draft", action: "approve")
        ) {
            try order.approve(by: bob)
        }
    }

    @Test func approvalPublishesTheItemsAndTheExpectedDelivery() throws {
        var order = draftOrder(items: [("LAMP", 10, 500), ("DESK", 2, 20000)])
        try order.submit(by: alice)
        _ = order.takeEvents()
        try order.approve(by: bob)
        let approved = try #require(order.takeEvents().first as? PurchaseOrderApproved)
        #expect(approved.items.map(\.sku.rawValue) == ["LAMP", "DESK"])
        #expect(approved.total == money(45000))
        #expect(approved.expectedDelivery == day("2027-01-15"))
    }

    @Test func aRejectedOrderIsFinal() throws {
        var order = draftOrder(items: [("LAMP", 1, 100)])
        try order.submit(by: alice)
        try order.reject(by: bob, reason: "too dear")
        #expect(order.status == .rejected)
        #expect(throws: ProcurementError.self) { try order.approve(by: bob) }
        #expect(throws: ProcurementError.self) { try order.cancel(by: alice, reason: "x") }
    }

    @Test func aReceiptNeverExceedsWhatIsOutstanding() throws {
        var order = approvedOrder(items: [("LAMP", 10, 500)])
        try order.receive([receipt(1, 6)], on: day("2027-01-14"))
        #expect(throws: ProcurementError.overReceipt(line: 1, outstanding: 4, received: 5)) {
            try order.receive([receipt(1, 5)], on: day("2027-01-15"))
        }
        #expect(order.items[0].received == 6)
    }

    @Test func aReceiptIsCheckedWholeBeforeAnyLineChanges() throws {
        var order = approvedOrder(items: [("LAMP", 10, 500), ("DESK", 1, 100)])
        #expect(throws: ProcurementError.self) {
            try order.receive([receipt(1, 10), receipt(2, 2)], on: day("2027-01-14"))
        }
        #expect(order.items.map(\.received) == [0, 0])
        #expect(order.status == .approved)
    }

    @Test func partialReceiptsLeadToReceivedWhenEveryLineIsComplete() throws {
        var order = approvedOrder(items: [("LAMP", 10, 500), ("DESK", 1, 100)])
        try order.receive([receipt(1, 4)], on: day("2027-01-14"))
        #expect(order.status == .partiallyReceived)
        try order.receive([receipt(1, 6), receipt(2, 1)], on: day("2027-01-16"))
        #expect(order.status == .received)
        let received = try #require(order.takeEvents().last as? GoodsReceived)
        #expect(received.lines.map(\.complete) == [true, true])
        #expect(received.status == .received)
    }

    @Test func aReceiptMayCloseALineShort() throws {
        var order = approvedOrder(items: [("LAMP", 10, 500)])
        try order.receive([receipt(1, 7, closeShort: true)], on: day("2027-01-14"))
        #expect(order.status == .received)
        #expect(order.items[0].outstanding == 0)
        let line = try #require((order.takeEvents().last as? GoodsReceived)?.lines.first)
        #expect(line.closedShort && line.complete && line.received == 7 && line.ordered == 10)
    }

    @Test func goodsCannotBeReceivedBeforeApproval() {
        var order = draftOrder(items: [("LAMP", 1, 100)])
        #expect(throws: ProcurementError.self) { try order.receive([receipt(1, 1)], on: day("2027-01-14")) }
    }

    @Test func cancellingIsAllowedUntilTheFirstReceipt() throws {
        var draft = draftOrder(items: [("LAMP", 1, 100)])
        try draft.cancel(by: alice, reason: "not needed")
        #expect(draft.status == .cancelled)

        var approved = approvedOrder(items: [("LAMP", 10, 100)])
        try approved.cancel(by: alice, reason: "supplier went bust")
        let cancelled = try #require(approved.takeEvents().last as? PurchaseOrderCancelled)
        #expect(cancelled.items.count == 1)  // what was on order, for the policy to take back

        var received = approvedOrder(items: [("LAMP", 10, 100)])
        try received.receive([receipt(1, 1)], on: day("2027-01-14"))
        #expect(throws: ProcurementError.self) { try received.cancel(by: alice, reason: "too late") }
    }

    @Test func everyChangeRaisesTheVersion() throws {
        var order = draftOrder()
        let before = order.version
        try order.addItem(sku: SKU("LAMP"), quantity: 1, unitPrice: money(1))
        try order.submit(by: alice)
        #expect(order.version == before + 2)
    }
}
