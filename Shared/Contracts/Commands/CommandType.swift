/// The commands the allocation context accepts, by their wire names (`type` of a request).
public enum CommandType: String, Codable, Hashable, Sendable, CaseIterable {
    case createBatch = "CreateBatch"
    case allocate = "Allocate"
    case deallocate = "Deallocate"
    case changeBatchQuantity = "ChangeBatchQuantity"

    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions readers accept; anything else is `unsupported_schema_version`.
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }
}
