import Foundation

/// A quick reader for the frames that come by the million: event envelopes, replay replies, stored
/// payloads, command requests and replies, exactly as writers emit them (plain strings, whole numbers,
/// no escapes). Payloads are read through their own field lists (``WirePayload``).
///
/// Catch-up decodes every event of the log, and Foundation's JSONDecoder behind ``WireObject`` costs
/// several microseconds an event. This reader walks the bytes once and builds the values directly.
/// It is a fast path only, never a second definition of the format: whenever a frame holds anything
/// it is not sure about (an escape, a fraction, a duplicate or missing field, a type it does not know,
/// a value of the wrong kind, …) it answers nil and the caller decodes the frame the thorough way,
/// which then gives the same value or the same precise error as before.
struct WireFastReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// How many payload objects deep the reader is, in ``fields(_:unknownFields:)``.
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    // MARK: Entry points

    static func envelope(_ frame: some Collection<UInt8>) -> EventEnvelope? {
        read(frame) { reader in
            guard let envelope = reader.envelope() else { return nil }
            return reader.atEnd() ? envelope : nil
        }
    }

    /// `{"events": [...], "head": N}`; nil for an error reply too.
    static func replayResponse(_ frame: some Collection<UInt8>) -> ReplayResponse? {
        read(frame) { reader in
            guard let response = reader.replayResponse() else { return nil }
            return reader.atEnd() ? response : nil
        }
    }

    static func payload(type: EventType, _ json: some Collection<UInt8>) -> EventPayload? {
        read(json) { reader in
            guard let payload = reader.payload(type) else { return nil }
            return reader.atEnd() ? payload : nil
        }
    }

    /// A request as clients write it (only a request's own fields); nil for any other frame.
    static func request(_ frame: some Collection<UInt8>) -> CommandRequest? {
        read(frame) { reader in
            guard let request = reader.request() else { return nil }
            return reader.atEnd() ? request : nil
        }
    }

    /// A reply without an error, as services write it (only a reply's own fields); nil for others.
    static func reply(_ frame: some Collection<UInt8>) -> CommandReply? {
        read(frame) { reader in
            guard let reply = reader.reply() else { return nil }
            return reader.atEnd() ? reply : nil
        }
    }

    /// A payload of any type, read through its field list (events and requests go through the entry
    /// points above, which find the type from the frame).
    static func payload<P: WirePayload>(
        _: P.Type, _ json: some Collection<UInt8>, unknownFields: UnknownFields
    ) -> P? {
        read(json) { reader in
            guard let payload = reader.fields(P.self, unknownFields: unknownFields) else { return nil }
            return reader.atEnd() ? payload : nil
        }
    }

    private static func read<T>(_ frame: some Collection<UInt8>, _ body: (inout WireFastReader) -> T?) -> T? {
        let direct = frame.withContiguousStorageIfAvailable { buffer -> T? in
            var reader = WireFastReader(buffer)
            return body(&reader)
        }
        if let direct { return direct }
        return Array(frame).withUnsafeBufferPointer { buffer in
            var reader = WireFastReader(buffer)
            return body(&reader)
        }
    }

    // MARK: Documents

    private mutating func replayResponse() -> ReplayResponse? {
        var events: [EventEnvelope]?
        var head: Int?
        let complete = object { reader, key in
            if key.is("events") { return reader.once(&events) { $0.envelopes() } }
            if key.is("head") { return reader.once(&head) { $0.integer() } }
            // An error reply, or a reply that is both: the thorough reader decides.
            if key.is("error") { return false }
            return reader.skipValue()
        }
        guard complete, let events, let head else { return nil }
        return ReplayResponse(events: events, head: head)
    }

    private mutating func request() -> CommandRequest? {
        var commandID: String?
        var type: CommandType?
        var version: Int?
        var payloadRange: Range<Int>?
        var issuedBy: String?
        let complete = object { reader, key in
            if key.is("command_id") { return reader.once(&commandID) { $0.string() } }
            if key.is("issued_by") { return reader.once(&issuedBy) { $0.string() } }
            if key.is("type") { return reader.once(&type) { $0.rawString().flatMap(Self.commandType) } }
            if key.is("schema_version") { return reader.once(&version) { $0.integer() } }
            if key.is("payload") { return reader.once(&payloadRange) { $0.objectRange() } }
            return false  // another field: the thorough reader decides what it means
        }
        guard complete, let commandID, let type, let payloadRange else { return nil }
        let schemaVersion = version ?? SchemaVersion.assumed
        guard type.supportedSchemaVersions.contains(schemaVersion),
            (try? CommandRequest.validateCommandID(commandID)) != nil
        else { return nil }
        struct Read: CommandTypeVisitor {
            var reader: WireFastReader
            mutating func visit<P: CommandPayloadProtocol>(_: P.Type, _ wrap: (P) -> CommandPayload) -> CommandPayload?
            {
                reader.fields(P.self, unknownFields: .refuse).map(wrap)
            }
        }
        var visitor = Read(reader: WireFastReader(UnsafeBufferPointer(rebasing: bytes[payloadRange])))
        guard let payload = CommandPayload.accept(type, &visitor) else { return nil }
        return CommandRequest(commandID: commandID, payload: payload, schemaVersion: schemaVersion, issuedBy: issuedBy)
    }

    private mutating func reply() -> CommandReply? {
        var commandID: String??
        var status: ReplyStatus?
        var position: Int??
        var result: CommandResult??
        var noError: Bool?
        let complete = object { reader, key in
            if key.is("command_id") { return reader.once(&commandID) { $0.nullable { $0.string() } } }
            if key.is("status") { return reader.once(&status) { $0.string().flatMap(ReplyStatus.init(rawValue:)) } }
            if key.is("position") { return reader.once(&position) { $0.nullable { $0.integer() } } }
            if key.is("result") {
                return reader.once(&result) { $0.nullable { $0.fields(CommandResult.self, unknownFields: .refuse) } }
            }
            if key.is("error") { return reader.once(&noError) { $0.null() ? true : nil } }  // errors: thorough
            return false
        }
        guard complete, let status else { return nil }
        return CommandReply(
            commandID: commandID ?? nil, status: status, result: result ?? nil, position: position ?? nil)
    }

    private mutating func envelopes() -> [EventEnvelope]? {
        array { $0.envelope() }
    }

    private mutating func envelope() -> EventEnvelope? {
        var position: Int?
        var eventID: UUID?
        var type: EventType?
        var schemaVersion: Int??
        var occurredAt: Date?
        var aggregateID: String?
        var aggregateVersion: Int?
        var commandID: String??
        var issuedBy: String??
        var payloadRange: Range<Int>?
        let complete = object { reader, key in
            if key.is("position") { return reader.once(&position) { $0.integer() } }
            if key.is("event_id") { return reader.once(&eventID) { $0.rawString().flatMap { Self.uuid($0.bytes) } } }
            if key.is("type") { return reader.once(&type) { $0.rawString().flatMap(Self.eventType) } }
            if key.is("schema_version") { return reader.once(&schemaVersion) { $0.nullable { $0.integer() } } }
            if key.is("occurred_at") {
                return reader.once(&occurredAt) { $0.rawString().flatMap { WireTimestamp.parse(utf8: $0.bytes) } }
            }
            if key.is("aggregate_id") { return reader.once(&aggregateID) { $0.string() } }
            if key.is("aggregate_version") { return reader.once(&aggregateVersion) { $0.integer() } }
            if key.is("command_id") { return reader.once(&commandID) { $0.nullable { $0.string() } } }
            if key.is("issued_by") { return reader.once(&issuedBy) { $0.nullable { $0.string() } } }
            if key.is("payload") {
                // Read once the type is known (with sorted keys it comes after the payload).
                return reader.once(&payloadRange) { $0.objectRange() }
            }
            return reader.skipValue()
        }
        guard complete, let position, let eventID, let type, let occurredAt, let aggregateID, let aggregateVersion,
            let payloadRange
        else { return nil }
        let version = (schemaVersion ?? nil) ?? SchemaVersion.assumed
        guard type.supportedSchemaVersions.contains(version) else { return nil }
        var payloadReader = WireFastReader(UnsafeBufferPointer(rebasing: bytes[payloadRange]))
        guard let payload = payloadReader.payload(type) else { return nil }
        return EventEnvelope(
            position: position, eventID: eventID, schemaVersion: version, occurredAt: occurredAt,
            aggregateID: aggregateID, aggregateVersion: aggregateVersion, commandID: commandID ?? nil,
            issuedBy: issuedBy ?? nil, payload: payload)
    }

    /// A payload object of `type`, read through its field list; fields it does not declare are
    /// skipped (a reader tolerates fields added later).
    private mutating func payload(_ type: EventType) -> EventPayload? {
        struct Read: EventTypeVisitor {
            var reader: WireFastReader
            mutating func visit<P: EventPayloadProtocol>(_: P.Type, _ wrap: (P) -> EventPayload) -> EventPayload? {
                reader.fields(P.self, unknownFields: .skip).map(wrap)
            }
        }
        var visitor = Read(reader: self)
        let payload = EventPayload.accept(type, &visitor)
        self = visitor.reader
        return payload
    }

    /// The bounds of the object that comes next, skipped (checked well-formed).
    private mutating func objectRange() -> Range<Int>? {
        let start = index
        guard peek() == UInt8(ascii: "{"), skipValue() else { return nil }
        return start..<index
    }

    // MARK: Payloads, through their field lists

    enum UnknownFields {
        /// Skip them: events, whose readers tolerate fields added later.
        case skip
        /// Leave the frame to the thorough reader: requests, which it reads strictly.
        case refuse
    }

    /// An object of `P`'s fields, each at most once, every required one present; nil for anything
    /// else. Every member's key is matched against the field list, which fills the value in. Arrays
    /// of objects nest (a payload may even hold its own type), so the depth is bounded, as
    /// ``skipValue(depth:)`` bounds it.
    mutating func fields<P: WirePayload>(_: P.Type, unknownFields: UnknownFields) -> P? {
        guard depth < 32 else { return nil }
        depth += 1
        defer { depth -= 1 }
        var payload = P()
        var seen: UInt64 = 0
        let complete = object { reader, key in
            var matcher = FieldMatcher(reader: reader, key: key, seen: seen, unknownFields: unknownFields)
            if (try? payload.wireFields(&matcher)) == nil { matcher.outcome = .failed }
            reader = matcher.reader
            seen = matcher.seen
            switch matcher.outcome {
            case .read: return true
            case .failed: return false
            case .unmatched: return unknownFields == .skip && reader.skipValue()
            }
        }
        guard complete else { return nil }
        var check = RequiredFields(seen: seen)
        try? payload.wireFields(&check)
        return check.complete ? payload : nil
    }

    /// Finds the field a key names and reads its value (a field met twice fails).
    private struct FieldMatcher: WireFields {
        enum Outcome { case unmatched, read, failed }
        var reader: WireFastReader
        let key: Key
        var seen: UInt64
        /// For the elements of arrays of objects: the outer object's policy.
        let unknownFields: UnknownFields
        var outcome = Outcome.unmatched
        private var field = 0

        init(reader: WireFastReader, key: Key, seen: UInt64, unknownFields: UnknownFields) {
            self.reader = reader
            self.key = key
            self.seen = seen
            self.unknownFields = unknownFields
        }

        mutating func string(_ name: StaticString, _ value: inout String) {
            guard claim(name) else { return }
            // A null is "absent" to the thorough reader, and so an error for a field it needs.
            if let read = reader.string() { value = read } else { outcome = .failed }
        }

        mutating func optionalString(_ name: StaticString, _ value: inout String?) {
            guard claim(name) else { return }
            if let read = reader.nullable({ $0.string() }) { value = read } else { outcome = .failed }
        }

        mutating func quantity(_ name: StaticString, _ value: inout Int) {
            guard claim(name) else { return }
            if let read = reader.integer() { value = read } else { outcome = .failed }
        }

        mutating func integer(_ name: StaticString, _ value: inout Int) {
            guard claim(name) else { return }
            if let read = reader.integer() { value = read } else { outcome = .failed }
        }

        mutating func flag(_ name: StaticString, _ value: inout Bool) {
            guard claim(name) else { return }
            if let read = reader.nullable({ $0.bool() }) { value = read ?? false } else { outcome = .failed }
        }

        mutating func objects<P: WirePayload>(_ name: StaticString, _ value: inout [P]) {
            guard claim(name) else { return }
            let policy = unknownFields
            if let read = reader.array({ $0.fields(P.self, unknownFields: policy) }) {
                value = read
            } else {
                outcome = .failed
            }
        }

        mutating func stringIfPresent(_ name: StaticString, _ value: inout String?) {
            optionalString(name, &value)
        }

        mutating func integerIfPresent(_ name: StaticString, _ value: inout Int?) {
            guard claim(name) else { return }
            if let read = reader.nullable({ $0.integer() }) { value = read } else { outcome = .failed }
        }

        /// Whether `name` is the key's field, met for the first time.
        private mutating func claim(_ name: StaticString) -> Bool {
            defer { field += 1 }
            guard outcome == .unmatched, key.is(name) else { return false }
            let bit: UInt64 = 1 << UInt64(field)
            guard field < 64, seen & bit == 0 else {
                outcome = .failed
                return false
            }
            seen |= bit
            outcome = .read
            return true
        }
    }

    /// Whether every field that may not be absent was read.
    private struct RequiredFields: WireFields {
        let seen: UInt64
        private(set) var complete = true
        private var field = 0

        init(seen: UInt64) { self.seen = seen }

        mutating func string(_ name: StaticString, _ value: inout String) { require() }
        mutating func optionalString(_ name: StaticString, _ value: inout String?) { field += 1 }
        mutating func quantity(_ name: StaticString, _ value: inout Int) { require() }
        mutating func integer(_ name: StaticString, _ value: inout Int) { require() }
        mutating func flag(_ name: StaticString, _ value: inout Bool) { field += 1 }
        mutating func objects<P: WirePayload>(_ name: StaticString, _ value: inout [P]) { require() }
        mutating func stringIfPresent(_ name: StaticString, _ value: inout String?) { field += 1 }
        mutating func integerIfPresent(_ name: StaticString, _ value: inout Int?) { field += 1 }

        private mutating func require() {
            if field >= 64 || seen & (1 << UInt64(field)) == 0 { complete = false }
            field += 1
        }
    }

    // MARK: Values

    /// A key of an object, as its raw bytes (keys with escapes are refused).
    struct Key {
        let bytes: UnsafeBufferPointer<UInt8>
        func `is`(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == bytes.count
                && memcmp(name.utf8Start, bytes.baseAddress!, bytes.count) == 0
        }
        func `is`(_ name: [UInt8]) -> Bool {
            name.count == bytes.count
                && name.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
        }
    }

    /// The 8-4-4-4-12 hex form, either case, as `UUID(uuidString:)` reads it (which goes through
    /// sscanf); anything else is left to it.
    private static func uuid(_ text: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var index = 0
            for slot in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard text[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else { return false }
                out[slot] = high << 4 | low
                index += 2
            }
            return true
        }
        return parsed ? UUID(uuid: bytes) : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Walks an object's members, handing each key to `member`, which reads (or skips) the value and
    /// says whether all is well. False on any syntax it does not expect.
    private mutating func object(_ member: (inout WireFastReader, Key) -> Bool) -> Bool {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            // Keys are ASCII; anything else (even bytes that are not UTF-8) is the thorough reader's.
            guard let key = rawString(), key.bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard member(&self, key) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// The bytes of a string without escapes or control characters, quotes excluded.
    private mutating func rawString() -> Key? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let key = Key(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                index += 1
                return key
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// A string value; nil for anything else, escapes, or bytes that are not UTF-8.
    private mutating func string() -> String? {
        skipWhitespace()
        guard let raw = rawString() else { return nil }
        // Identifiers are ASCII as a rule, and ASCII needs no validation.
        if raw.bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: raw.bytes, as: UTF8.self) }
        return String(validating: raw.bytes, as: UTF8.self)
    }

    private static let commandTypes = CommandType.allCases.map { (name: Array($0.rawValue.utf8), type: $0) }

    /// A known event type by its wire name, compared as bytes.
    private static func eventType(_ name: Key) -> EventType? {
        EventType(utf8: UnsafeRawBufferPointer(name.bytes))
    }

    /// A known command type by its wire name, compared as bytes.
    private static func commandType(_ name: Key) -> CommandType? {
        commandTypes.first { name.is($0.name) }?.type
    }

    /// A whole number written as plain digits (`10.0` and `1e3` are left to the thorough reader).
    private mutating func integer() -> Int? {
        skipWhitespace()
        var negative = false
        if take(UInt8(ascii: "-")) { negative = true }
        let start = index
        var value = 0
        while index < bytes.count, bytes[index] &- 48 < 10 {
            value = value &* 10 &+ Int(bytes[index] &- 48)
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits <= 18, !(digits > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
        if index < bytes.count {
            let next = bytes[index]
            if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return nil }
        }
        return negative ? -value : value
    }

    /// `true` or `false`.
    private mutating func bool() -> Bool? {
        skipWhitespace()
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// `[` values `read` reads, separated by commas, `]`; nil for anything else.
    private mutating func array<T>(_ read: (inout WireFastReader) -> T?) -> [T]? {
        skipWhitespace()
        guard take(UInt8(ascii: "[")) else { return nil }
        var values: [T] = []
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return values }
        while true {
            guard let value = read(&self) else { return nil }
            values.append(value)
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? values : nil
        }
    }

    private mutating func null() -> Bool {
        skipWhitespace()
        return literal("null")
    }

    /// Reads a member's value into `slot`; a member met twice is left to the thorough reader. The
    /// value may follow whitespace.
    private mutating func once<T>(_ slot: inout T?, _ read: (inout WireFastReader) -> T?) -> Bool {
        skipWhitespace()
        guard slot == nil, let value = read(&self) else { return false }
        slot = value
        return true
    }

    /// A value `read` reads, or null: `.some(nil)` for null, nil for anything else.
    private mutating func nullable<T>(_ read: (inout WireFastReader) -> T?) -> T?? {
        if null() { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }

    /// Skips one value of any kind, checking it is well-formed JSON (strings without escapes).
    private mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 64 else { return false }
        skipWhitespace()
        guard let byte = peek() else { return false }
        switch byte {
        case UInt8(ascii: "{"):
            return object { reader, _ in reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "\""):
            // Checked as `string()` checks it, without making a String of what is skipped.
            guard let raw = rawString() else { return false }
            return raw.bytes.allSatisfy({ $0 < 0x80 }) || String(validating: raw.bytes, as: UTF8.self) != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            return skipNumber()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func skipNumber() -> Bool {
        _ = take(UInt8(ascii: "-"))
        guard let first = peek(), first &- 48 < 10 else { return false }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if take(UInt8(ascii: ".")) {
            guard skipDigits() > 0 else { return false }
        }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard skipDigits() > 0 else { return false }
        }
        return true
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
        return index - start
    }

    // MARK: Bytes

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, memcmp(word.utf8Start, bytes.baseAddress! + index, count) == 0 else {
            return false
        }
        index += count
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Only whitespace may follow the top-level value.
    private mutating func atEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }
}
