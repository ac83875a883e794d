/// Why the domain refused something. Each case is a rule of the model, not a technical failure.
public enum DomainError: Refusal, Equatable {
    /// An input field breaks its format (empty, too long, not a date, …).
    case invalidField(String, String)
    /// A quantity outside its bounds.
    case invalidQuantity(String, Int, String)
    /// A field the command needs was not given (the principal of an approval, say).
    case missingField(String)
    /// No product is known under this SKU (the book's `InvalidSku`).
    case unknownSKU(SKU)
    /// No batch is known under this reference.
    case unknownBatch(BatchReference)
    /// A batch with this reference exists already.
    case duplicateBatch(BatchReference)
    /// A batch or line was offered to a product of another SKU.
    case skuMismatch(expected: SKU, got: SKU)
    /// The order has no line of this SKU allocated.
    case lineNotAllocated(OrderID, SKU)
    /// The order already has a line of this SKU, allocated with another quantity.
    case conflictingOrderLine(OrderID, SKU, allocated: Int, requested: Int)
}

extension DomainError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidField(let field, let reason): "\(field) \(reason)"
        case .invalidQuantity(let field, let value, let reason): "\(field) \(reason), got \(value)"
        case .missingField(let field): "\(field) is required"
        case .unknownSKU(let sku): "Invalid sku \(sku)"
        case .unknownBatch(let ref): "No batch with reference \(ref)"
        case .duplicateBatch(let ref): "A batch with reference \(ref) exists already"
        case .skuMismatch(let expected, let got): "Expected sku \(expected), got \(got)"
        case .lineNotAllocated(let order, let sku): "Order \(order) has no allocated line of \(sku)"
        case .conflictingOrderLine(let order, let sku, let allocated, let requested):
            "Order \(order) already has \(allocated) of \(sku) allocated; cannot allocate \(requested)"
        }
    }
}
