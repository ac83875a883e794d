/// A name the outside world gives a thing (a SKU, an order, a batch).
///
/// Identifiers arrive from clients, so they are checked once, here, and every other layer can trust
/// them (see ``IdentifierRule``). Two identifiers are equal when their Unicode scalar values are
/// (their UTF-8 bytes), as PostgreSQL and SQLite compare them: Swift's own `String` equality would
/// take a decomposed `é` for the composed one, and one aggregate would refuse as a duplicate what
/// the database and the read side keep apart.
public protocol DomainIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The field name clients use for it, so an error can say which input was wrong.
    static var fieldName: String { get }
    var rawValue: String { get }
    init(unchecked rawValue: String)
}

/// What makes a text an identifier, for every identifier on both sides of the system (the command
/// id, the domain's names, the read side's path parameters): 1 to ``maximumScalars`` Unicode scalar
/// values (never grapheme clusters, whose count depends on the Unicode version), so at most
/// ``maximumBytes`` bytes of UTF-8, and no control characters.
public enum IdentifierRule {
    /// Long enough for any real SKU or order number, short enough to index and log.
    public static let maximumScalars = 100
    /// What `maximumScalars` scalars take at most in UTF-8: what storage must allow for.
    public static let maximumBytes = 4 * maximumScalars

    /// Why `text` is no identifier, or nil when it is one.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if isPlainASCII(text) { return nil }
        if text.utf8.count > maximumBytes || text.unicodeScalars.count > maximumScalars {
            return "must be at most \(maximumScalars) characters (Unicode scalar values)"
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters"
        }
        return nil
    }

    /// Whether two texts are one identifier: the same Unicode scalars, byte for byte, as PostgreSQL
    /// and SQLite compare them. Swift's `==` on `String` is canonical equivalence instead, under which
    /// `café` with a composed `é` (U+00E9) and `cafe` + U+0301 are equal: two identifiers to clients
    /// and databases, one to a `String` dictionary.
    public static func same(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { left in
            right.withUTF8 { right in left.count == right.count && left.elementsEqual(right) }
        }
    }

    /// Hashes `text` as ``same(_:_:)`` compares it.
    public static func hash(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(text.utf8.count)
    }

    /// Printable ASCII, short enough: an identifier without looking up any scalar's properties
    /// (what nearly every SKU and order number is; the lookups were a few percent of the command
    /// service's CPU).
    private static func isPlainASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count <= maximumScalars && bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        }
    }
}

extension DomainIdentifier {
    /// Checks `rawValue` and wraps it; the error names the field.
    public init(_ rawValue: String) throws(DomainError) {
        if let problem = IdentifierRule.problem(with: rawValue) { throw .invalidField(Self.fieldName, problem) }
        self.init(unchecked: rawValue)
    }

    public var description: String { rawValue }

    /// Byte for byte, as the databases compare (see above).
    public static func == (lhs: Self, rhs: Self) -> Bool { IdentifierRule.same(lhs.rawValue, rhs.rawValue) }

    public func hash(into hasher: inout Hasher) { IdentifierRule.hash(rawValue, into: &hasher) }

    /// By scalar values, as the databases order text.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}
