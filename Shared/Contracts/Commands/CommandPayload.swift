// The `payload` of each command request (one file each in Payloads/), as plain strings and integers
// named as on the wire. Plain so a client can send exactly what a user typed (the service validates);
// `command()` on `CommandPayload` turns them into validated Domain commands.

/// One command's payload, tagged by its type: the sum of everything a client may ask.
public enum CommandPayload: Hashable, Sendable {
    case createBatch(CreateBatchPayload)
    case allocate(AllocatePayload)
    case deallocate(DeallocatePayload)
    case changeBatchQuantity(ChangeBatchQuantityPayload)

    public var type: CommandType {
        switch self {
        case .createBatch: .createBatch
        case .allocate: .allocate
        case .deallocate: .deallocate
        case .changeBatchQuantity: .changeBatchQuantity
        }
    }

    init(type: CommandType, from object: WireObject) throws(WireError) {
        switch type {
        case .createBatch: self = .createBatch(try CreateBatchPayload(object))
        case .allocate: self = .allocate(try AllocatePayload(object))
        case .deallocate: self = .deallocate(try DeallocatePayload(object))
        case .changeBatchQuantity: self = .changeBatchQuantity(try ChangeBatchQuantityPayload(object))
        }
    }
}

extension CommandPayload: Encodable {
    /// Encodes the payload object alone; the request around it carries the type.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .createBatch(let payload): try payload.encode(to: encoder)
        case .allocate(let payload): try payload.encode(to: encoder)
        case .deallocate(let payload): try payload.encode(to: encoder)
        case .changeBatchQuantity(let payload): try payload.encode(to: encoder)
        }
    }
}
