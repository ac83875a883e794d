// The `payload` of each event (one file each in Payloads/) as plain strings and integers. The read
// side builds projections from these alone and never imports the Domain, so these are the published
// facts, named as on the wire. Readers do not re-check the Domain's bounds: an event is a fact that
// already happened.

import Foundation

/// The type of one event's payload: its wire fields (``WirePayload``), the event type it is published
/// as, and the aggregate it belongs to.
public protocol EventPayloadProtocol: WirePayload {
    static var eventType: EventType { get }
    /// The aggregate the event belongs to (the product's SKU for allocation's events).
    var aggregateID: String { get }
}

// `EventPayload` itself, its cases and its dispatch (`accept`) are generated from Events.registry.

/// Everything about an ``EventPayload`` that follows from its registry.
extension EventPayload {
    public var type: EventType {
        struct TypeOf: EventPayloadVisitor {
            func visit<P: EventPayloadProtocol>(_: P) -> EventType { P.eventType }
        }
        var visitor = TypeOf()
        return accept(&visitor)
    }

    /// The aggregate the event belongs to: the product's SKU.
    public var aggregateID: String {
        struct AggregateOf: EventPayloadVisitor {
            func visit<P: EventPayloadProtocol>(_ payload: P) -> String { payload.aggregateID }
        }
        var visitor = AggregateOf()
        return accept(&visitor)
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

    /// Reads a payload of `type` the thorough way.
    init(type: EventType, from object: WireObject) throws(WireError) {
        struct Read: EventTypeVisitor {
            let object: WireObject
            func visit<P: EventPayloadProtocol>(
                _: P.Type, _ wrap: (P) -> EventPayload
            ) -> Swift.Result<EventPayload, WireError> {
                Swift.Result { () throws(WireError) in wrap(try P(object)) }
            }
        }
        var visitor = Read(object: object)
        self = try EventPayload.accept(type, &visitor).get()
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
        struct Encode: EventPayloadVisitor {
            let encoder: any Encoder
            func visit<P: EventPayloadProtocol>(_ payload: P) -> Swift.Result<Void, any Error> {
                Swift.Result { try payload.encode(to: encoder) }
            }
        }
        var visitor = Encode(encoder: encoder)
        try accept(&visitor).get()
    }
}

/// Something done to an ``EventPayload``'s payload, whatever its type.
protocol EventPayloadVisitor {
    associatedtype Output
    mutating func visit<P: EventPayloadProtocol>(_ payload: P) -> Output
}

/// Something done with the payload type of an ``EventType``.
protocol EventTypeVisitor {
    associatedtype Output
    mutating func visit<P: EventPayloadProtocol>(_ type: P.Type, _ wrap: (P) -> EventPayload) -> Output
}
