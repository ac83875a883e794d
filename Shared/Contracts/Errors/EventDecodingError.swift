/// Why an event frame could not be read.
///
/// Projections are a function of the event log, so a reader must never skip an event silently:
/// on any of these it stops applying (its checkpoint stays before the event), reports, and waits
/// to be upgraded or fixed. `unknownType` and `unsupportedSchemaVersion` mean "this reader is
/// older than the writer"; `malformed` means a broken writer or a corrupted frame.
public enum EventDecodingError: Error, Hashable, Sendable {
    /// A type this reader does not know, at this position (when it could be read).
    case unknownType(String, position: Int?)
    /// A known type in a schema version this reader does not understand.
    case unsupportedSchemaVersion(type: String, version: Int, position: Int?)
    /// Not a well-formed envelope.
    case malformed(WireError)

    /// The same failure as a wire error, e.g. to report it over HTTP.
    public var wireError: WireError {
        switch self {
        case .unknownType(let type, let position):
            WireError(
                code: .unknownType,
                message: "unknown event type \(type) at position \(position.map(String.init) ?? "?")", field: "type")
        case .unsupportedSchemaVersion(let type, let version, let position):
            WireError(
                code: .unsupportedSchemaVersion,
                message:
                    "\(type) schema_version \(version) at position \(position.map(String.init) ?? "?") is not supported",
                field: "schema_version")
        case .malformed(let error): error
        }
    }
}
