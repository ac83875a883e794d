// `EventType` itself, one case per line of Events.registry, is generated from that file.

extension EventType {
    /// The version writers emit.
    public var currentSchemaVersion: Int { 1 }

    /// Versions this reader understands; a later one means "upgrade me", never "skip".
    public var supportedSchemaVersions: ClosedRange<Int> { 1...1 }

    /// The PUB topic (`event.<Type>`).
    public var topic: String { Topic.event(self) }
}

extension EventType {
    /// Each type's wire name as bytes, for ``init(utf8:)``.
    private static let wireNames = allCases.map { (name: Array($0.rawValue.utf8), type: $0) }

    /// The type whose wire name is `name`, compared as bytes: a stored row's type without building a
    /// String for it (most names are longer than a String holds inline, so each would allocate).
    public init?(utf8 name: UnsafeRawBufferPointer) {
        for entry in Self.wireNames where entry.name.count == name.count {
            if entry.name.withUnsafeBytes({ $0.elementsEqual(name) }) {
                self = entry.type
                return
            }
        }
        return nil
    }
}
