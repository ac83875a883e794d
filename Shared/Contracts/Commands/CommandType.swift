// `CommandType` itself, one case per line of Commands.registry, is generated from that file.

extension CommandType {
    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions readers accept; anything else is `unsupported_schema_version`.
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }
}
