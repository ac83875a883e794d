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
            guard writer.object(result) else { return nil }
        } else {
            writer.raw("null")
        }
        guard writer.member("status", reply.status.rawValue) else { return nil }
        writer.bytes.append(UInt8(ascii: "}"))
        return Data(writer.bytes)
    }

    /// A request frame (what load generators send by the thousand).
    static func request(_ request: CommandRequest) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(128)
        guard writer.member("command_id", request.commandID, first: true, in: "{"),
            writer.requestMembers(request, first: false)
        else { return nil }
        return Data(writer.bytes)
    }

    /// ``CommandRequest/fingerprint``'s bytes (a request without its id).
    static func fingerprint(_ request: CommandRequest) -> Data? {
        var writer = WireFastWriter()
        writer.bytes.reserveCapacity(96)
        guard writer.requestMembers(request, first: true) else { return nil }
        return Data(writer.bytes)
    }

    /// A request's members after its id — issued_by (when set), payload, schema_version, type — and
    /// the closing brace.
    private mutating func requestMembers(_ request: CommandRequest, first: Bool) -> Bool {
        var first = first
        if let issuedBy = request.issuedBy {
            guard member("issued_by", issuedBy, first: first, in: "{") else { return false }
            first = false
        }
        raw(first ? "{\"payload\":" : ",\"payload\":")
        struct Write: CommandPayloadVisitor {
            var writer: WireFastWriter
            mutating func visit<P: CommandPayloadProtocol>(_ payload: P) -> Bool { writer.object(payload) }
        }
        var visitor = Write(writer: WireFastWriter())
        swap(&visitor.writer, &self)
        let written = request.payload.accept(&visitor)
        swap(&visitor.writer, &self)
        guard written else { return false }
        raw(",\"schema_version\":")
        integer(request.schemaVersion)
        guard member("type", request.type.rawValue) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// Keys in sorted order, as `.sortedKeys` writes them.
    private mutating func write(_ event: EventEnvelope) -> Bool {
        envelope(
            position: event.position, eventID: event.eventID, type: event.type, schemaVersion: event.schemaVersion,
            occurredAt: event.occurredAt, aggregateVersion: event.aggregateVersion,
            aggregateID: { $0.string(event.aggregateID) },
            commandID: event.commandID.map { commandID in { $0.string(commandID) } },
            issuedBy: event.issuedBy.map { issuedBy in { $0.string(issuedBy) } },
            payload: { $0.write(event.payload) })
    }

    /// A stored event: its text fields and payload are copied as they are, never parsed. False,
    /// having written nothing, when a text field needs escaping beyond `"` and `\` or the payload is not
    /// an object.
    mutating func write(_ stored: StoredEnvelope) -> Bool {
        let mark = bytes.count
        let payload = stored.payload
        let written =
            stored.payloadGoesOutAsStored
            && envelope(
                position: stored.position, eventID: stored.eventID, type: stored.type,
                schemaVersion: stored.schemaVersion, occurredAt: stored.occurredAt,
                aggregateVersion: stored.aggregateVersion, aggregateID: { $0.string(utf8: stored.aggregateID) },
                commandID: stored.commandID.map { commandID in { $0.string(utf8: commandID) } },
                issuedBy: stored.issuedBy.map { issuedBy in { $0.string(utf8: issuedBy) } },
                payload: {
                    $0.bytes.append(contentsOf: payload)
                    return true
                })
        if !written { truncate(to: mark) }
        return written
    }

    /// An envelope's members, keys in sorted order; the text fields and the payload are written by
    /// the closures, which answer false for what this writer cannot write.
    private mutating func envelope(
        position: Int, eventID: UUID, type: EventType, schemaVersion: Int, occurredAt: Date, aggregateVersion: Int,
        aggregateID: (inout WireFastWriter) -> Bool, commandID: ((inout WireFastWriter) -> Bool)?,
        issuedBy: ((inout WireFastWriter) -> Bool)?, payload: (inout WireFastWriter) -> Bool
    ) -> Bool {
        raw("{\"aggregate_id\":")
        guard aggregateID(&self) else { return false }
        raw(",\"aggregate_version\":")
        integer(aggregateVersion)
        raw(",\"command_id\":")
        if let commandID {
            guard commandID(&self) else { return false }
        } else {
            raw("null")
        }
        raw(",\"event_id\":")
        uuid(eventID)
        if let issuedBy {
            raw(",\"issued_by\":")
            guard issuedBy(&self) else { return false }
        }
        raw(",\"occurred_at\":")
        guard timestamp(occurredAt) else { return false }
        raw(",\"payload\":")
        guard payload(&self) else { return false }
        raw(",\"position\":")
        integer(position)
        raw(",\"schema_version\":")
        integer(schemaVersion)
        raw(",\"type\":")
        guard string(type.rawValue) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// A payload object, keys in sorted order.
    private mutating func write(_ payload: EventPayload) -> Bool {
        struct Write: EventPayloadVisitor {
            var writer: WireFastWriter
            mutating func visit<P: EventPayloadProtocol>(_ payload: P) -> Bool { writer.object(payload) }
        }
        var visitor = Write(writer: WireFastWriter())
        swap(&visitor.writer, &self)
        let written = payload.accept(&visitor)
        swap(&visitor.writer, &self)
        return written
    }

    // MARK: Payloads, through their field lists

    /// `P`'s fields as an object, keys in sorted order. One run of the field list writes every member
    /// in declaration order, each after a comma, noting where each one lies; unless the names came
    /// sorted, the members are then copied back in sorted order. False for a value this writer
    /// cannot write (and for more than 24 fields, which the slow path writes: the notes stay on the stack).
    mutating func object<P: WirePayload>(_ payload: P) -> Bool {
        var payload = payload
        bytes.append(UInt8(ascii: "{"))
        let start = bytes.count
        return withUnsafeTemporaryAllocation(of: Member.self, capacity: 24) { members in
            var writer = MemberWriter(members: members)
            swap(&writer.out, &self)
            try? payload.wireFields(&writer)
            swap(&writer.out, &self)
            guard writer.written, writer.count <= members.count else { return false }
            if !writer.sorted { sort(UnsafeMutableBufferPointer(rebasing: members[..<writer.count]), from: start) }
            if writer.count > 0 { bytes.remove(at: start) }  // the first member's comma
            bytes.append(UInt8(ascii: "}"))
            return true
        }
    }

    /// Where one member was written, and its name.
    private struct Member {
        let name: StaticString
        let range: Range<Int>
    }

    /// Rewrites the members (written from `start` on, in the order of `members`) in the order of
    /// their names.
    private mutating func sort(_ members: UnsafeMutableBufferPointer<Member>, from start: Int) {
        for index in members.indices.dropFirst() {
            var slot = index
            while slot > 0 && Self.precedes(members[slot].name, members[slot - 1].name) {
                members.swapAt(slot, slot - 1)
                slot -= 1
            }
        }
        let count = bytes.count - start
        bytes.withUnsafeMutableBytes { all in
            withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { copy in
                copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[start...]))
                var next = start
                for member in members {
                    let length = member.range.count
                    let offset = member.range.lowerBound - start
                    UnsafeMutableRawBufferPointer(rebasing: all[next..<(next + length)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: copy[offset..<(offset + length)]))
                    next += length
                }
            }
        }
    }

    /// Byte order of two names, as `.sortedKeys` orders ASCII keys.
    private static func precedes(_ a: StaticString, _ b: StaticString) -> Bool {
        let common = min(a.utf8CodeUnitCount, b.utf8CodeUnitCount)
        let order = memcmp(a.utf8Start, b.utf8Start, common)
        return order != 0 ? order < 0 : a.utf8CodeUnitCount < b.utf8CodeUnitCount
    }

    /// Writes each field as a member after a comma, in the order of the field list, noting where.
    private struct MemberWriter: WireFields {
        var out = WireFastWriter()
        let members: UnsafeMutableBufferPointer<Member>
        private(set) var count = 0
        private(set) var written = true
        /// Whether the names came in sorted order.
        private(set) var sorted = true

        init(members: UnsafeMutableBufferPointer<Member>) { self.members = members }

        mutating func string(_ name: StaticString, _ value: inout String) {
            let start = begin(name)
            note(name, start, out.member(name, value))
        }

        mutating func optionalString(_ name: StaticString, _ value: inout String?) {
            let start = begin(name)
            note(name, start, out.member(name, value))
        }

        mutating func quantity(_ name: StaticString, _ value: inout Int) {
            let start = begin(name)
            note(name, start, out.member(name, value))
        }

        mutating func integer(_ name: StaticString, _ value: inout Int) {
            let start = begin(name)
            note(name, start, out.member(name, value))
        }

        mutating func flag(_ name: StaticString, _ value: inout Bool) {
            let start = begin(name)
            out.key(name, first: false)
            out.raw(value ? "true" : "false")
            note(name, start, true)
        }

        /// Each element goes through ``WireFastWriter/object(_:)`` into `out`, with notes of its own.
        mutating func objects<P: WirePayload>(_ name: StaticString, _ value: inout [P]) {
            let start = begin(name)
            note(name, start, out.member(name, value))
        }

        mutating func stringIfPresent(_ name: StaticString, _ value: inout String?) {
            guard value != nil else { return }
            optionalString(name, &value)
        }

        mutating func integerIfPresent(_ name: StaticString, _ value: inout Int?) {
            guard let number = value else { return }
            let start = begin(name)
            note(name, start, out.member(name, number))
        }

        private mutating func begin(_ name: StaticString) -> Int {
            if count > 0 && count <= members.count && !WireFastWriter.precedes(members[count - 1].name, name) {
                sorted = false
            }
            return out.bytes.count
        }

        private mutating func note(_ name: StaticString, _ start: Int, _ ok: Bool) {
            if !ok { written = false }
            if count < members.count { members[count] = Member(name: name, range: start..<out.bytes.count) }
            count += 1
        }
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

    /// `[` each object `,` … `]`, as JSONEncoder writes an array.
    private mutating func member<P: WirePayload>(_ name: StaticString, _ elements: [P]) -> Bool {
        key(name, first: false)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard object(element) else { return false }
        }
        bytes.append(UInt8(ascii: "]"))
        return true
    }

    /// A quoted string of printable ASCII, escaping only `"` and `\`; false for anything else.
    private mutating func string(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// ``string(_:)`` for text already in UTF-8. Text needing no escape (nearly all) is checked
    /// first and then copied at once.
    private mutating func string(utf8: UnsafeRawBufferPointer) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        func plain(_ byte: UInt8) -> Bool {
            byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
        }
        if utf8.allSatisfy(plain) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                guard byte >= 0x20 && byte < 0x7F else { return false }
                if !plain(byte) { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return true
    }

    /// The lower-case 8-4-4-4-12 form, quoted (Foundation's `uuidString` goes through sprintf),
    /// spelled into a fixed buffer and appended at once.
    private mutating func uuid(_ id: UUID) {
        let hex: StaticString = "0123456789abcdef"
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 38) { text in
            var index = 0
            func put(_ byte: UInt8) {
                text[index] = byte
                index += 1
            }
            put(UInt8(ascii: "\""))
            withUnsafeBytes(of: id.uuid) { raw in
                for (offset, byte) in raw.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 { put(UInt8(ascii: "-")) }
                    put(hex.utf8Start[Int(byte >> 4)])
                    put(hex.utf8Start[Int(byte & 0x0F)])
                }
            }
            put(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<index]))
        }
    }

    /// ``WireTimestamp/format(_:)``'s text, quoted; false outside years 0…9999.
    private mutating func timestamp(_ date: Date) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        guard WireTimestamp.append(date, to: &bytes) else { return false }
        bytes.append(UInt8(ascii: "\""))
        return true
    }

    /// Decimal digits, as JSONEncoder writes an Int (a small String lives inline, no allocation).
    mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    // MARK: For writers of whole frames (``ReplayPageWriter``)

    var count: Int { bytes.count }
    var data: Data { Data(bytes) }
    /// The bytes written, without a copy.
    var written: [UInt8] { bytes }
    mutating func reserve(_ capacity: Int) { bytes.reserveCapacity(capacity) }
    mutating func append(_ data: Data) { bytes.append(contentsOf: data) }
    mutating func truncate(to count: Int) { bytes.removeSubrange(count...) }
}
