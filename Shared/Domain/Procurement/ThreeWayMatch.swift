/// The three-way match: an invoice against its purchase order (prices) and the goods received
/// (quantities). The outcome lists every discrepancy, never just the first.
public struct ThreeWayMatch: Sendable {
    /// How far an invoiced unit price may stray from the order's, in basis points (1/100 of a
    /// percent) of the ordered price. 0 (the default) means exactly the order's price.
    public let priceToleranceBasisPoints: Int

    public init(priceToleranceBasisPoints: Int = 0) {
        precondition(priceToleranceBasisPoints >= 0)
        self.priceToleranceBasisPoints = priceToleranceBasisPoints
    }

    /// Every discrepancy of `lines` against `order`, in the invoice's line order; empty when matched.
    public func discrepancies(of lines: [InvoiceLine], against order: PurchaseOrder) -> [Discrepancy] {
        var found: [Discrepancy] = []
        for line in lines {
            guard let item = order.item(line.sku) else {
                found.append(.notOrdered(line.sku))
                continue
            }
            if line.quantity > item.receivedNotInvoiced {
                found.append(
                    .quantityNotReceived(line.sku, invoiced: line.quantity, receivable: item.receivedNotInvoiced))
            }
            if !withinTolerance(line.unitPrice.minorUnits, of: item.unitPrice.minorUnits) {
                found.append(.priceDiffers(line.sku, invoiced: line.unitPrice, ordered: item.unitPrice))
            }
        }
        return found
    }

    private func withinTolerance(_ invoiced: Int, of ordered: Int) -> Bool {
        // |invoiced - ordered| / ordered <= bp / 10,000, in integers (both below 10^15, bp small).
        let difference = invoiced > ordered ? invoiced - ordered : ordered - invoiced
        let (scaled, overflow) = difference.multipliedReportingOverflow(by: 10_000)
        let (allowed, overflow2) = ordered.multipliedReportingOverflow(by: priceToleranceBasisPoints)
        if overflow || overflow2 { return difference == 0 }
        return scaled <= allowed
    }
}
