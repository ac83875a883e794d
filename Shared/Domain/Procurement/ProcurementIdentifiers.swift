// Procurement's identifiers (the protocol they share, and `SKU`, are the kernel's: `Model/`).

/// A supplier, as procurement knows it.
public struct SupplierID: DomainIdentifier {
    public static let fieldName = "supplier"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// A purchase order's number, unique across suppliers.
public struct PurchaseOrderNumber: DomainIdentifier {
    public static let fieldName = "po"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// The number a supplier printed on its invoice: unique per supplier, not across suppliers.
public struct InvoiceNumber: DomainIdentifier {
    public static let fieldName = "invoice"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}
