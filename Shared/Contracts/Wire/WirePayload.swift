/// A payload whose wire form is declared once, in ``wireFields(_:)``: each field's JSON name, its
/// kind and the property it lives in, one line a field. Every codec runs that declaration: the
/// Foundation-free fast reader and writer (``WireFastReader``, ``WireFastWriter``), the thorough
/// reader behind `Decodable` (``WireObject``, which names the field at fault) and `Encodable`.
///
/// A new payload is a struct with its properties, `public init() {}` (the empty value a reader fills
/// in) and its field list; see `Events/Payloads/` for examples. A new event or command type is such
/// a payload and one line in `Events.registry` or `Commands.registry`, which the WireRegistry build
/// tool turns into the `EventType`/`EventPayload` (`CommandType`/`CommandPayload`) cases.
public protocol WirePayload: Hashable, Sendable, Codable {
    /// The empty value that readers fill in.
    init()

    /// Runs `fields` over every field of the payload's JSON object, in the order the thorough reader
    /// checks them (a frame with several bad fields is answered about the first). Writers put the
    /// members in sorted key order whatever the order here.
    mutating func wireFields(_ fields: inout some WireFields) throws(WireError)
}

/// What a payload's field list runs against: readers fill the properties in, writers read them out.
/// One requirement per kind of field.
public protocol WireFields {
    /// A string. Absent or null is `missing_field`.
    mutating func string(_ name: StaticString, _ value: inout String) throws(WireError)
    /// A string, or null; absent means null, and a writer writes null.
    mutating func optionalString(_ name: StaticString, _ value: inout String?) throws(WireError)
    /// A whole number that is a quantity: a fraction is `invalid_quantity`, not `invalid_field`
    /// (the Domain checks the bounds).
    mutating func quantity(_ name: StaticString, _ value: inout Int) throws(WireError)
    /// A whole number that is not a quantity (money in minor units, days, line numbers): a fraction
    /// is `invalid_field`, since the client sent a number of the wrong kind, not an impossible amount.
    mutating func integer(_ name: StaticString, _ value: inout Int) throws(WireError)
    /// `true` or `false`; absent or null means false, so a flag can be added without clients sending
    /// it. A writer always writes it.
    mutating func flag(_ name: StaticString, _ value: inout Bool) throws(WireError)
    /// An array of objects, each read and written through `P`'s own field list; its errors name the
    /// element (`lines[2].sku`). Absent or null is `missing_field`; empty is allowed (the Domain
    /// decides whether it may be).
    mutating func objects<P: WirePayload>(_ name: StaticString, _ value: inout [P]) throws(WireError)
    /// A string that only some values carry: absent or null means nil, and a writer leaves it out
    /// when nil (so adding one keeps the bytes of every value without it).
    mutating func stringIfPresent(_ name: StaticString, _ value: inout String?) throws(WireError)
    /// A whole number that only some values carry, written only when set, as ``stringIfPresent(_:_:)``.
    mutating func integerIfPresent(_ name: StaticString, _ value: inout Int?) throws(WireError)
}

extension WirePayload {
    /// Reads the payload the thorough way, naming the first field at fault.
    init(_ object: WireObject) throws(WireError) {
        self.init()
        var reader = ThoroughFieldReader(object: object)
        try wireFields(&reader)
    }

    public init(from decoder: any Decoder) throws { try self.init(WireObject(decoder)) }

    /// Every field, null included (an absent optional is written as null).
    public func encode(to encoder: any Encoder) throws {
        var fields = EncodingFieldWriter(container: encoder.container(keyedBy: WireKey.self))
        var copy = self
        try copy.wireFields(&fields)
    }
}

/// Runs a field list against ``WireObject``: the thorough reader, with its precise errors.
private struct ThoroughFieldReader: WireFields {
    let object: WireObject

    mutating func string(_ name: StaticString, _ value: inout String) throws(WireError) {
        value = try object.string("\(name)")
    }

    mutating func optionalString(_ name: StaticString, _ value: inout String?) throws(WireError) {
        value = try object.optionalString("\(name)")
    }

    mutating func quantity(_ name: StaticString, _ value: inout Int) throws(WireError) {
        value = try object.quantity("\(name)")
    }

    mutating func integer(_ name: StaticString, _ value: inout Int) throws(WireError) {
        value = try object.integer("\(name)")
    }

    mutating func flag(_ name: StaticString, _ value: inout Bool) throws(WireError) {
        value = try object.optionalBool("\(name)") ?? false
    }

    mutating func objects<P: WirePayload>(_ name: StaticString, _ value: inout [P]) throws(WireError) {
        value = try object.objects("\(name)") { element throws(WireError) in try P(element) }
    }

    mutating func stringIfPresent(_ name: StaticString, _ value: inout String?) throws(WireError) {
        value = try object.optionalString("\(name)")
    }

    mutating func integerIfPresent(_ name: StaticString, _ value: inout Int?) throws(WireError) {
        value = try object.optionalInteger("\(name)")
    }
}

/// Runs a field list against an `Encoder` (JSONEncoder sorts the keys).
private struct EncodingFieldWriter: WireFields {
    var container: KeyedEncodingContainer<WireKey>

    mutating func string(_ name: StaticString, _ value: inout String) throws(WireError) {
        try encode(value, name)
    }

    mutating func optionalString(_ name: StaticString, _ value: inout String?) throws(WireError) {
        try encode(value, name)
    }

    mutating func quantity(_ name: StaticString, _ value: inout Int) throws(WireError) {
        try encode(value, name)
    }

    mutating func integer(_ name: StaticString, _ value: inout Int) throws(WireError) {
        try encode(value, name)
    }

    mutating func flag(_ name: StaticString, _ value: inout Bool) throws(WireError) {
        try encode(value, name)
    }

    mutating func objects<P: WirePayload>(_ name: StaticString, _ value: inout [P]) throws(WireError) {
        try encode(value, name)
    }

    mutating func stringIfPresent(_ name: StaticString, _ value: inout String?) throws(WireError) {
        if let value { try encode(value, name) }
    }

    mutating func integerIfPresent(_ name: StaticString, _ value: inout Int?) throws(WireError) {
        if let value { try encode(value, name) }
    }

    private mutating func encode(_ value: some Encodable, _ name: StaticString) throws(WireError) {
        do {
            try container.encode(value, forKey: WireKey("\(name)"))
        } catch {
            throw .internal("\(name) failed to encode: \(error)")
        }
    }
}
