import Domain

/// Why an invoice line does not match: `kind` is `not_ordered`, `quantity_not_received` (`invoiced` units, `expected` receivable) or `price_differs` (`invoiced` and `expected` unit prices in minor units).
public struct DiscrepancyPayload: WirePayload {
    public var sku: String = ""
    public var kind: String = ""
    public var invoiced: Int = 0
    public var expected: Int = 0

    public init() {}

    public init(sku: String, kind: String, invoiced: Int, expected: Int) {
        self.sku = sku
        self.kind = kind
        self.invoiced = invoiced
        self.expected = expected
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("sku", &sku)
        try fields.string("kind", &kind)
        try fields.integer("invoiced", &invoiced)
        try fields.integer("expected", &expected)
    }
}

extension DiscrepancyPayload {
    /// The wire form of one of the Domain's three-way-match discrepancies.
    init(_ discrepancy: Discrepancy) {
        switch discrepancy {
        case .notOrdered(let sku):
            self.init(sku: sku.rawValue, kind: "not_ordered", invoiced: 0, expected: 0)
        case .quantityNotReceived(let sku, let invoiced, let receivable):
            self.init(sku: sku.rawValue, kind: "quantity_not_received", invoiced: invoiced, expected: receivable)
        case .priceDiffers(let sku, let invoiced, let ordered):
            self.init(
                sku: sku.rawValue, kind: "price_differs", invoiced: invoiced.minorUnits, expected: ordered.minorUnits)
        }
    }
}
