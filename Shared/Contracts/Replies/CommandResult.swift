/// What an applied command did, in terms a client can act on without reading events: the `result`
/// object of an `ok` reply. Independent of any service type so every client shares it.
public struct CommandResult: Hashable, Sendable {
    public enum Outcome: String, Codable, Hashable, Sendable, CaseIterable {
        case batchCreated = "batch_created"
        /// The line holds stock; `batchReference` says where.
        case allocated
        /// No batch could take the line. A normal outcome, not an error: the fact is recorded
        /// (an `OutOfStock` event) and the client may try later.
        case outOfStock = "out_of_stock"
        case deallocated
        case quantityChanged = "quantity_changed"
    }

    public var outcome: Outcome
    /// The batch an `allocated` line went to; null for the other outcomes.
    public var batchReference: String?

    public init(outcome: Outcome, batchReference: String? = nil) {
        self.outcome = outcome
        self.batchReference = batchReference
    }

    public static let batchCreated = CommandResult(outcome: .batchCreated)
    public static let outOfStock = CommandResult(outcome: .outOfStock)
    public static let deallocated = CommandResult(outcome: .deallocated)
    public static let quantityChanged = CommandResult(outcome: .quantityChanged)
    public static func allocated(to batchReference: String) -> CommandResult {
        CommandResult(outcome: .allocated, batchReference: batchReference)
    }
}

extension CommandResult: Codable {
    enum CodingKeys: String, CodingKey {
        case outcome, batchReference = "batchref"
    }

    public init(from decoder: any Decoder) throws {
        let object = try WireObject(decoder)
        let raw = try object.string("outcome")
        guard let outcome = Outcome(rawValue: raw) else {
            throw WireError.invalidField("outcome", "is not a known outcome: \(raw)", in: object.path)
        }
        self.init(outcome: outcome, batchReference: try object.optionalString("batchref"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(batchReference, forKey: .batchReference)
    }
}
