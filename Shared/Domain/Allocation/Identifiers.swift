// Allocation's identifiers; the protocol they share is the kernel's (`Model/DomainIdentifier.swift`).

/// Stock-keeping unit: what a product is called, and the identity of the `Product` aggregate.
public struct SKU: DomainIdentifier {
    public static let fieldName = "sku"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// A customer order; one order has at most one line per SKU.
public struct OrderID: DomainIdentifier {
    public static let fieldName = "orderid"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// A batch's reference, unique across all products.
public struct BatchReference: DomainIdentifier {
    public static let fieldName = "ref"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}
