import Domain

/// Maps a domain refusal to the wire. Format and bound errors are the client's input (`error`);
/// the rest are rules of the model (`rejected`).
extension WireError {
    public init(_ error: DomainError) {
        let message = error.description
        switch error {
        case .invalidField(let field, _):
            self.init(code: .invalidField, message: message, field: field)
        case .invalidQuantity(let field, _, _):
            self.init(code: .invalidQuantity, message: message, field: field)
        case .missingField(let field):
            self.init(code: .missingField, message: message, field: field)
        case .unknownSKU:
            self.init(code: .invalidSKU, message: message, field: SKU.fieldName)
        case .unknownBatch:
            self.init(code: .unknownBatch, message: message, field: BatchReference.fieldName)
        case .duplicateBatch:
            self.init(code: .duplicateBatch, message: message, field: BatchReference.fieldName)
        case .skuMismatch:
            self.init(code: .skuMismatch, message: message, field: SKU.fieldName)
        case .lineNotAllocated:
            self.init(code: .lineNotAllocated, message: message)
        case .conflictingOrderLine:
            self.init(code: .conflictingOrderLine, message: message, field: "qty")
        }
    }
}
