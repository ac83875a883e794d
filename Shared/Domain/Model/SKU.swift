/// Stock-keeping unit: what a product is called. Shared by both contexts (a shared kernel): the
/// identity of allocation's `Product` aggregate, and what procurement orders, receives and is invoiced for.
public struct SKU: DomainIdentifier {
    public static let fieldName = "sku"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}
