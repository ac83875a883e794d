import Foundation

/// A coding key for any field name, so readers can ask for fields by their wire names.
struct WireKey: CodingKey, Hashable {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// Reads one JSON object field by field and turns every failure into a ``WireError`` that names
/// the field. This is the tolerant reader: fields it is not asked for are ignored.
///
/// Hand-written rather than synthesized because JSONDecoder reports some bad values (like
/// `10.5` for an integer) as "not valid JSON", and clients deserve to be told which field is wrong.
struct WireObject {
    private let container: KeyedDecodingContainer<WireKey>
    /// Dotted path of this object inside the frame, for messages (`""` at the top).
    let path: String

    /// The object `decoder` is at. At the top of a frame anything else is `bad_json`; deeper, it is
    /// an `invalid_field` naming where it was.
    init(_ decoder: any Decoder) throws(WireError) {
        path = WireObject.path(decoder.codingPath)
        do {
            container = try decoder.container(keyedBy: WireKey.self)
        } catch {
            guard let last = decoder.codingPath.last(where: { $0.intValue == nil }) else {
                throw .badJSON(
                    decoder.codingPath.isEmpty ? "the frame is not a JSON object" : "\(path) must be an object")
            }
            throw .invalidField(
                last.stringValue, "must be an object", in: WireObject.path(decoder.codingPath.dropLast()))
        }
    }

    private init(container: KeyedDecodingContainer<WireKey>, path: String) {
        self.container = container
        self.path = path
    }

    /// Whether the field is absent or null; optional fields treat both as "not given".
    func isAbsent(_ name: String) -> Bool {
        let key = WireKey(name)
        return !container.contains(key) || ((try? container.decodeNil(forKey: key)) ?? false)
    }

    func string(_ name: String) throws(WireError) -> String {
        try require(name)
        return try optionalString(name)!
    }

    func optionalString(_ name: String) throws(WireError) -> String? {
        if isAbsent(name) { return nil }
        do {
            return try container.decode(String.self, forKey: WireKey(name))
        } catch {
            throw .invalidField(name, "must be a string", in: path)
        }
    }

    func optionalBool(_ name: String) throws(WireError) -> Bool? {
        if isAbsent(name) { return nil }
        do {
            return try container.decode(Bool.self, forKey: WireKey(name))
        } catch {
            throw .invalidField(name, "must be true or false", in: path)
        }
    }

    /// A whole number. `10.0` and `1e3` are whole numbers; `10.5`, `"10"` and `1e30` are not.
    func integer(_ name: String) throws(WireError) -> Int {
        try require(name)
        return try optionalInteger(name)!
    }

    func optionalInteger(_ name: String) throws(WireError) -> Int? {
        if isAbsent(name) { return nil }
        switch readInteger(name) {
        case .success(let value): return value
        case .failure(.notANumber): throw .invalidField(name, "must be an integer", in: path)
        case .failure(.notWhole(let shown)): throw .invalidField(name, "must be an integer, got \(shown)", in: path)
        }
    }

    /// Like ``integer(_:)`` but a number that is not a whole one is an `invalid_quantity`, not an
    /// `invalid_field`: the client sent a number, just not a possible quantity. Bounds are the
    /// domain's to check.
    func quantity(_ name: String) throws(WireError) -> Int {
        try require(name)
        switch readInteger(name) {
        case .success(let value): return value
        case .failure(.notANumber): throw .invalidField(name, "must be an integer", in: path)
        case .failure(.notWhole(let shown)):
            throw WireError(
                code: .invalidQuantity,
                message: "\(WireError.dotted(path, name)) must be a whole number, got \(shown)",
                field: name)
        }
    }

    func object(_ name: String) throws(WireError) -> WireObject {
        try require(name)
        do {
            return WireObject(
                container: try container.nestedContainer(keyedBy: WireKey.self, forKey: WireKey(name)),
                path: WireError.dotted(path, name))
        } catch {
            throw .invalidField(name, "must be an object", in: path)
        }
    }

    /// An array of objects, each handed to `read` in turn with the path of its place
    /// (`payload.lines[2]`), so that its fields' errors say where they are. An element that is not an
    /// object is an `invalid_field` for the array's field, naming the element.
    func objects<T>(_ name: String, _ read: (WireObject) throws(WireError) -> T) throws(WireError) -> [T] {
        try require(name)
        let path = WireError.dotted(self.path, name)
        var elements: any UnkeyedDecodingContainer
        do {
            elements = try container.nestedUnkeyedContainer(forKey: WireKey(name))
        } catch {
            throw .invalidField(name, "must be an array", in: self.path)
        }
        var values: [T] = []
        values.reserveCapacity(elements.count ?? 0)
        while !elements.isAtEnd {
            let place = "\(path)[\(elements.currentIndex)]"
            let element: KeyedDecodingContainer<WireKey>
            do {
                element = try elements.nestedContainer(keyedBy: WireKey.self)
            } catch {
                throw WireError(code: .invalidField, message: "\(place) must be an object", field: name)
            }
            values.append(try read(WireObject(container: element, path: place)))
        }
        return values
    }

    /// A nested value with its own `Decodable` conformance; its own errors pass through.
    func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try require(name)
        do {
            return try container.decode(type, forKey: WireKey(name))
        } catch let error as DecodingError {
            throw WireError(error)
        }
    }

    private func require(_ name: String) throws(WireError) {
        if isAbsent(name) { throw .missingField(name, in: path) }
    }

    private enum IntegerProblem: Error {
        case notANumber
        case notWhole(String)
    }

    private func readInteger(_ name: String) -> Result<Int, IntegerProblem> {
        let key = WireKey(name)
        do {
            return .success(try container.decode(Int.self, forKey: key))
        } catch DecodingError.typeMismatch {
            return .failure(.notANumber)
        } catch {
            // The frame parsed, so the value is a number that does not fit an Int: a fraction, or
            // too large. Show it when a Double can hold it (1e400 cannot).
            let shown = (try? container.decode(Double.self, forKey: key)).map { "\($0)" } ?? "a number out of range"
            return .failure(.notWhole(shown))
        }
    }

    static func path(_ codingPath: some Collection<any CodingKey>) -> String {
        codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            .joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }
}
