// Allocation's identifiers; the protocol they share, and `SKU`, are the kernel's (`Model/`).

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
