// The `payload` of each event (one file each in Payloads/) as plain strings and integers. The read
// side builds projections from these alone and never imports the Domain, so these are the published
// facts, named as on the wire. Readers do not re-check the Domain's bounds: an event is a fact that
// already happened.

import Foundation

/// One event's payload, tagged by its type: everything the read side can be told.
public enum EventPayload: Hashable, Sendable {
    case batchCreated(BatchCreatedPayload)
    case allocated(AllocatedPayload)
    case deallocated(DeallocatedPayload)
    case outOfStock(OutOfStockPayload)
    case batchQuantityChanged(BatchQuantityChangedPayload)

    public var type: EventType {
        switch self {
        case .batchCreated: .batchCreated
        case .allocated: .allocated
        case .deallocated: .deallocated
        case .outOfStock: .outOfStock
        case .batchQuantityChanged: .batchQuantityChanged
        }
    }

    /// The aggregate the event belongs to: the product's SKU.
    public var aggregateID: String {
        switch self {
        case .batchCreated(let p): p.sku
        case .allocated(let p): p.sku
        case .deallocated(let p): p.sku
        case .outOfStock(let p): p.sku
        case .batchQuantityChanged(let p): p.sku
        }
    }

    /// The payload object alone, canonical JSON; a writer may store it (with the type) until the
    /// event gets its position.
    public func jsonData() -> Data { WireFastWriter.payload(self) ?? WireJSON.encode(self) }

    /// Reads a payload object stored by ``jsonData()``.
    public init(type: EventType, json: some Collection<UInt8>) throws(WireError) {
        if let payload = WireFastReader.payload(type: type, json) {
            self = payload
            return
        }
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[StoredPayload.typeKey] = type
            self = try decoder.decode(StoredPayload.self, from: WireJSON.data(json)).payload
        } catch let error as WireError {
            throw error
        } catch let error as DecodingError {
            throw WireError(error)
        } catch {
            throw .internal("\(error)")
        }
    }

    init(type: EventType, from object: WireObject) throws(WireError) {
        switch type {
        case .batchCreated: self = .batchCreated(try BatchCreatedPayload(object))
        case .allocated: self = .allocated(try AllocatedPayload(object))
        case .deallocated: self = .deallocated(try DeallocatedPayload(object))
        case .outOfStock: self = .outOfStock(try OutOfStockPayload(object))
        case .batchQuantityChanged: self = .batchQuantityChanged(try BatchQuantityChangedPayload(object))
        }
    }

    /// Decodes a bare payload whose type travels beside it (in `userInfo`), not inside it.
    private struct StoredPayload: Decodable {
        static let typeKey = CodingUserInfoKey(rawValue: "cosmic.eventType")!
        let payload: EventPayload
        init(from decoder: any Decoder) throws {
            guard let type = decoder.userInfo[Self.typeKey] as? EventType else {
                throw WireError.internal("no event type given for a stored payload")
            }
            payload = try EventPayload(type: type, from: WireObject(decoder))
        }
    }
}

extension EventPayload: Encodable {
    /// Encodes the payload object alone; the envelope around it carries the type.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .batchCreated(let p): try p.encode(to: encoder)
        case .allocated(let p): try p.encode(to: encoder)
        case .deallocated(let p): try p.encode(to: encoder)
        case .outOfStock(let p): try p.encode(to: encoder)
        case .batchQuantityChanged(let p): try p.encode(to: encoder)
        }
    }
}
