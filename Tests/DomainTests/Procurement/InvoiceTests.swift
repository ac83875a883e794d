import Domain
import Testing

@Suite struct InvoiceTests {
    func receivedOrder() -> PurchaseOrder {
        var order = approvedOrder(items: [("LAMP", 10, 500), ("DESK", 2, 20000)])
        try! order.receive([receipt(1, 10), receipt(2, 2)], on: day("2027-01-14"))
        return order
    }

    @Test func anInvoiceThatAgreesWithOrderAndReceiptIsMatched() throws {
        let invoice = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 10, 500)])
        #expect(invoice.status == .matched)
        #expect(invoice.discrepancies.isEmpty)
        #expect(invoice.total == money(5000))
    }

    @Test func theMatchListsEveryDiscrepancyNotJustTheFirst() throws {
        var order = approvedOrder(items: [("LAMP", 10, 500), ("DESK", 2, 20000)])
        try order.receive([receipt(1, 4)], on: day("2027-01-14"))
        let invoice = try registerInvoice(
            against: order,
            lines: [invoiceLine("LAMP", 6, 550), invoiceLine("CHAIR", 1, 100), invoiceLine("DESK", 2, 20000)])
        #expect(invoice.status == .mismatched)
        #expect(
            invoice.discrepancies == [
                .quantityNotReceived(try SKU("LAMP"), invoiced: 6, receivable: 4),
                .priceDiffers(try SKU("LAMP"), invoiced: money(550), ordered: money(500)),
                .notOrdered(try SKU("CHAIR")),
                .quantityNotReceived(try SKU("DESK"), invoiced: 2, receivable: 0),
            ])
    }

    @Test func aPriceWithinTheConfiguredToleranceMatches() throws {
        let lenient = ThreeWayMatch(priceToleranceBasisPoints: 200)  // 2 %
        let within = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 1, 510)], match: lenient)
        #expect(within.status == .matched)
        let beyond = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 1, 511)], match: lenient)
        #expect(beyond.status == .mismatched)
    }

    @Test func anInvoiceInAnotherCurrencyIsRefused() {
        #expect(throws: ProcurementError.currencyMismatch(expected: eur, got: usd)) {
            try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 1, 500, usd)])
        }
    }

    @Test func anOrderThatIsNotApprovedCannotBeInvoiced() {
        let draft = draftOrder(items: [("LAMP", 1, 500)])
        #expect(throws: ProcurementError.self) {
            try registerInvoice(against: draft, lines: [invoiceLine("LAMP", 1, 500)])
        }
    }

    @Test func onlyAMatchedInvoiceIsApprovedWithoutAnOverride() throws {
        var invoice = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 1, 999)])
        #expect(throws: ProcurementError.invoiceNotMatched(discrepancies: 1)) {
            try invoice.approve(by: bob, overrideReason: nil, paymentTermsDays: 30)
        }
        try invoice.approve(by: bob, overrideReason: "price rise agreed by phone", paymentTermsDays: 30)
        let approved = try #require(invoice.takeEvents().last as? InvoiceApproved)
        #expect(approved.overrideReason == "price rise agreed by phone")
    }

    @Test func approvalSetsThePaymentDueFromTheInvoiceDateAndTerms() throws {
        var invoice = try registerInvoice(
            against: receivedOrder(), lines: [invoiceLine("LAMP", 10, 500)], date: "2027-01-20")
        try invoice.approve(by: bob, overrideReason: nil, paymentTermsDays: 30)
        #expect(invoice.paymentDue == day("2027-02-19"))
        #expect(invoice.status == .approved)
    }

    @Test func reMatchingWhenMoreGoodsArriveTurnsAMismatchIntoAMatch() throws {
        var order = approvedOrder(items: [("LAMP", 10, 500)])
        try order.receive([receipt(1, 4)], on: day("2027-01-14"))
        var invoice = try registerInvoice(against: order, lines: [invoiceLine("LAMP", 10, 500)])
        #expect(invoice.status == .mismatched)
        _ = invoice.takeEvents()
        try order.receive([receipt(1, 6)], on: day("2027-01-16"))
        invoice.rematch(against: order, using: ThreeWayMatch())
        #expect(invoice.status == .matched)
        #expect(invoice.takeEvents().first is InvoiceRematched)
        invoice.rematch(against: order, using: ThreeWayMatch())
        #expect(invoice.takeEvents().isEmpty)  // nothing changed, nothing raised
    }

    @Test func goodsBilledByAnApprovedInvoiceCannotBeBilledAgain() throws {
        var order = receivedOrder()
        var first = try registerInvoice("INV-1", against: order, lines: [invoiceLine("LAMP", 10, 500)])
        try first.approve(by: bob, overrideReason: nil, paymentTermsDays: 30)
        order.recordInvoiced(first.lines)
        let second = try registerInvoice("INV-2", against: order, lines: [invoiceLine("LAMP", 10, 500)])
        #expect(second.discrepancies == [.quantityNotReceived(try SKU("LAMP"), invoiced: 10, receivable: 0)])
    }

    @Test func paymentsNeverExceedWhatIsOwed() throws {
        var invoice = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 10, 500)])
        try invoice.approve(by: bob, overrideReason: nil, paymentTermsDays: 30)
        try invoice.recordPayment(money(3000), on: day("2027-02-01"), reference: "TX-1")
        #expect(invoice.status == .approved)
        #expect(throws: ProcurementError.overpayment(balance: money(2000), offered: money(2001))) {
            try invoice.recordPayment(money(2001), on: day("2027-02-02"), reference: "TX-2")
        }
        try invoice.recordPayment(money(2000), on: day("2027-02-02"), reference: "TX-2")
        #expect(invoice.status == .paid)
        #expect(invoice.balance == money(0))
    }

    @Test func anUnapprovedInvoiceCannotBePaid() throws {
        var invoice = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 10, 500)])
        #expect(throws: ProcurementError.self) {
            try invoice.recordPayment(money(100), on: day("2027-02-01"), reference: "TX-1")
        }
    }

    @Test func schedulingThePaymentTwiceSchedulesItOnce() throws {
        var invoice = try registerInvoice(against: receivedOrder(), lines: [invoiceLine("LAMP", 10, 500)])
        try invoice.approve(by: bob, overrideReason: nil, paymentTermsDays: 30)
        _ = invoice.takeEvents()
        try invoice.schedulePayment()
        try invoice.schedulePayment()
        let scheduled = invoice.takeEvents().compactMap { $0 as? PaymentScheduled }
        #expect(scheduled.count == 1)
        #expect(scheduled.first?.due == day("2027-02-19"))
        #expect(scheduled.first?.amount == money(5000))
    }

    @Test func anInvoiceFromAnotherSupplierThanTheOrdersIsRefused() throws {
        let order = receivedOrder()
        #expect(throws: ProcurementError.self) {
            try Invoice.register(
                RegisterInvoice(
                    supplier: SupplierID("OTHER"), number: InvoiceNumber("INV-9"), purchaseOrder: order.number,
                    invoiceDate: day("2027-01-20"), lines: [invoiceLine("LAMP", 1, 500)]),
                against: order, match: ThreeWayMatch())
        }
    }
}
