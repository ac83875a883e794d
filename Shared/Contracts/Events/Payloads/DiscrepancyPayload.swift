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
