import Foundation

/// Writes event envelopes and replay responses straight to bytes, identical to what ``WireJSON``'s
/// JSONEncoder writes (sorted keys, no spaces, slashes unescaped).
///
/// Replay serves the whole log page by page and the relay publishes every event, and JSONEncoder
/// costs several microseconds an envelope. Like ``WireFastReader`` this is a fast path only: a string
/// with anything but printable ASCII (where escaping rules would matter) makes it answer nil, and the
/// caller encodes the thorough way. Tests hold the two to the same bytes.
struct WireFastWriter {
    private var bytes: [UInt8] = []

    static func envelope(_ envelope: EventEnvelope) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(320)
        guard writer.write(envelope) else { return nil }
        return Data(writer.bytes)
    }

    static func replayResponse(_ response: ReplayResponse) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(64 + 320 * response.events.count)
        writer.raw("{\"events\":[")
        for (index, event) in response.events.enumerated() {
            if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            guard writer.write(event) else { return nil }
        }
        writer.raw("],\"head\":")
        writer.integer(response.head)
        writer.bytes.append(UInt8(ascii: "}"))
        return Data(writer.bytes)
    }

    /// A payload alone, as an outbox row stores it.
    static func payload(_ payload: EventPayload) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(128)
        guard writer.write(payload) else { return nil }
        return Data(writer.bytes)
    }

    /// A reply without an error (every command handled, whatever its outcome); nil for the rest.
    static func reply(_ reply: CommandReply) -> Data? {
        guard reply.error == nil else { return nil }
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(160)
        guard writer.member("command_id", reply.commandID, first: true, in: "{") else { return nil }
        writer.raw(",\"error\":null,\"position\":")
        if let position = reply.position { writer.integer(position) } else { writer.raw("null") }
        writer.raw(",\"result\":")
        if let result = reply.result {
            guard writer.member("batchref", result.batchReference, first: true, in: "{") else { return nil }
            guard writer.member("outcome", result.outcome.rawValue) else { return nil }
            writer.bytes.append(UInt8(ascii: "}"))
        } else {
            writer.raw("null")
        }
        guard writer.member("status", reply.status.rawValue) else { return nil }
        writer.bytes.append(UInt8(ascii: "}"))
        return Data(writer.bytes)
    }

    /// An `Allocate` request frame (what load generators send by the thousand); nil for others.
    static func request(_ request: CommandRequest) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(128)
        guard writer.member("command_id", request.commandID, first: true, in: "{"),
            writer.allocateMembers(request, first: false)
        else { return nil }
        return Data(writer.bytes)
    }

    /// ``CommandRequest/fingerprint``'s bytes for an `Allocate` (a request without its id); nil for
    /// other commands.
    static func fingerprint(_ request: CommandRequest) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(96)
        guard writer.allocateMembers(request, first: true) else { return nil }
        return Data(writer.bytes)
    }

    /// An `Allocate` request's members after its id — payload, schema_version, type — and the
    /// closing brace; false for another command.
    private mutating func allocateMembers(_ request: CommandRequest, first: Bool) -> Bool {
        guard case .allocate(let payload) = request.payload else { return false }
        raw(first ? "{\"payload\":" : ",\"payload\":")
        let written =
            member("orderid", payload.orderID, first: true, in: "{") && member("qty", payload.quantity)
            && member("sku", payload.sku)
        guard written else { return false }
        raw("},\"schema_version\":")
        integer(request.schemaVersion)
        guard member("type", request.type.rawValue) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// Keys in sorted order, as `.sortedKeys` writes them.
    private mutating func write(_ event: EventEnvelope) -> Bool {
        raw("{\"aggregate_id\":")
        guard string(event.aggregateID) else { return false }
        raw(",\"aggregate_version\":")
        integer(event.aggregateVersion)
        raw(",\"command_id\":")
        if let commandID = event.commandID {
            guard string(commandID) else { return false }
        } else {
            raw("null")
        }
        raw(",\"event_id\":")
        uuid(event.eventID)
        raw(",\"occurred_at\":")
        guard timestamp(event.occurredAt) else { return false }
        raw(",\"payload\":")
        guard write(event.payload) else { return false }
        raw(",\"position\":")
        integer(event.position)
        raw(",\"schema_version\":")
        integer(event.schemaVersion)
        raw(",\"type\":")
        guard string(event.type.rawValue) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// A payload's members, keys in sorted order.
    private mutating func write(_ payload: EventPayload) -> Bool {
        bytes.append(UInt8(ascii: "{"))
        let written =
            switch payload {
            case .batchCreated(let p):
                member("eta", p.eta, first: true) && member("qty", p.quantity) && member("ref", p.reference)
                    && member("sku", p.sku)
            case .allocated(let p):
                member("batchref", p.batchReference, first: true) && member("orderid", p.orderID)
                    && member("qty", p.quantity) && member("sku", p.sku)
            case .deallocated(let p):
                member("batchref", p.batchReference, first: true) && member("orderid", p.orderID)
                    && member("qty", p.quantity) && member("reason", p.reason) && member("sku", p.sku)
            case .outOfStock(let p):
                member("orderid", p.orderID, first: true) && member("qty", p.quantity) && member("sku", p.sku)
            case .batchQuantityChanged(let p):
                member("qty", p.quantity, first: true) && member("ref", p.reference) && member("sku", p.sku)
            }
        bytes.append(UInt8(ascii: "}"))
        return written
    }

    /// `"key":` (after a comma unless `first`; a first member opens its object with `opening`).
    private mutating func key(_ key: StaticString, first: Bool, in opening: StaticString = "") {
        if first { raw(opening) }
        raw(first ? "\"" : ",\"")
        raw(key)
        raw("\":")
    }

    private mutating func member(
        _ name: StaticString, _ text: String?, first: Bool = false, in opening: StaticString = ""
    ) -> Bool {
        key(name, first: first, in: opening)
        guard let text else {
            raw("null")
            return true
        }
        return string(text)
    }

    private mutating func member(_ name: StaticString, _ value: Int, first: Bool = false) -> Bool {
        key(name, first: first)
        integer(value)
        return true
    }

    /// A quoted string of printable ASCII, escaping only `"` and `\`; false for anything else.
    private mutating func string(_ text: String) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        let written = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 {
                guard byte >= 0x20 && byte < 0x7F else { return false }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            return true
        }
        bytes.append(UInt8(ascii: "\""))
        return written
    }

    /// The lower-case 8-4-4-4-12 form, quoted (Foundation's `uuidString` goes through sprintf).
    private mutating func uuid(_ id: UUID) {
        let hex: StaticString = "0123456789abcdef"
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: id.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// ``WireTimestamp/format(_:)``'s text, quoted; false outside years 0…9999.
    private mutating func timestamp(_ date: Date) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        guard WireTimestamp.append(date, to: &bytes) else { return false }
        bytes.append(UInt8(ascii: "\""))
        return true
    }

    /// Decimal digits, as JSONEncoder writes an Int (a small String lives inline, no allocation).
    private mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    private mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
