/// The events the allocation context publishes, by their wire names (`type` of an envelope).
/// Each belongs to the `Product` aggregate, whose id is the SKU.
public enum EventType: String, Codable, Hashable, Sendable, CaseIterable {
    case batchCreated = "BatchCreated"
    case allocated = "Allocated"
    case deallocated = "Deallocated"
    case outOfStock = "OutOfStock"
    case batchQuantityChanged = "BatchQuantityChanged"

    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions this reader understands; a later one means "upgrade me", never "skip".
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }

    /// The PUB topic (`event.<Type>`).
    public var topic: String { Topic.event(self) }
}
