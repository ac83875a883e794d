// The `payload` of each command request (one file each in Payloads/), as plain strings and integers
// named as on the wire. Plain so a client can send exactly what a user typed (the service validates);
// `command()` on `CommandPayload` turns them into validated Domain commands.

/// The type of one command's payload: its wire fields (``WirePayload``) and the command type it is
/// sent as.
public protocol CommandPayloadProtocol: WirePayload {
    static var commandType: CommandType { get }
}

// `CommandPayload` itself, its cases and its dispatch (`accept`) are generated from Commands.registry.

/// Everything about a ``CommandPayload`` that follows from its registry.
extension CommandPayload {
    public var type: CommandType {
        struct TypeOf: CommandPayloadVisitor {
            func visit<P: CommandPayloadProtocol>(_: P) -> CommandType { P.commandType }
        }
        var visitor = TypeOf()
        return accept(&visitor)
    }

    /// Reads a payload of `type` the thorough way.
    init(type: CommandType, from object: WireObject) throws(WireError) {
        struct Read: CommandTypeVisitor {
            let object: WireObject
            func visit<P: CommandPayloadProtocol>(
                _: P.Type, _ wrap: (P) -> CommandPayload
            ) -> Swift.Result<CommandPayload, WireError> {
                Swift.Result { () throws(WireError) in wrap(try P(object)) }
            }
        }
        var visitor = Read(object: object)
        self = try CommandPayload.accept(type, &visitor).get()
    }
}

extension CommandPayload: Encodable {
    /// Encodes the payload object alone; the request around it carries the type.
    public func encode(to encoder: any Encoder) throws {
        struct Encode: CommandPayloadVisitor {
            let encoder: any Encoder
            func visit<P: CommandPayloadProtocol>(_ payload: P) -> Swift.Result<Void, any Error> {
                Swift.Result { try payload.encode(to: encoder) }
            }
        }
        var visitor = Encode(encoder: encoder)
        try accept(&visitor).get()
    }
}

/// Something done to a ``CommandPayload``'s payload, whatever its type.
protocol CommandPayloadVisitor {
    associatedtype Output
    mutating func visit<P: CommandPayloadProtocol>(_ payload: P) -> Output
}

/// Something done with the payload type of a ``CommandType``.
protocol CommandTypeVisitor {
    associatedtype Output
    mutating func visit<P: CommandPayloadProtocol>(_ type: P.Type, _ wrap: (P) -> CommandPayload) -> Output
}
