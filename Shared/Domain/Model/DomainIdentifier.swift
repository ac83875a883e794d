/// A name the outside world gives a thing (a SKU, an order, a batch).
///
/// Identifiers arrive from clients, so they are checked once, here, and every other layer can trust
/// them: never empty, at most ``maximumLength`` characters, no control characters.
public protocol DomainIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The field name clients use for it, so an error can say which input was wrong.
    static var fieldName: String { get }
    var rawValue: String { get }
    init(unchecked rawValue: String)
}

extension DomainIdentifier {
    /// Long enough for any real SKU or order number, short enough to index and log.
    public static var maximumLength: Int { 100 }

    /// Checks `rawValue` and wraps it; the error names the field.
    public init(_ rawValue: String) throws(DomainError) {
        if rawValue.isEmpty {
            throw .invalidField(Self.fieldName, "must not be empty")
        }
        if rawValue.count > Self.maximumLength {
            throw .invalidField(Self.fieldName, "must be at most \(Self.maximumLength) characters")
        }
        if rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidField(Self.fieldName, "must not contain control characters")
        }
        self.init(unchecked: rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
