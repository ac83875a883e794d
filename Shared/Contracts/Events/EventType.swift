// `EventType` itself, one case per line of Events.registry, is generated from that file.

extension EventType {
    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions this reader understands; a later one means "upgrade me", never "skip".
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }

    /// The PUB topic (`event.<Type>`).
    public var topic: String { Topic.event(self) }
}
