/// An identifier from the wire (a SKU, a batch, an order, a supplier, an invoice, a command id, a
/// principal) as a dictionary key or in a comparison: equal only to the same Unicode scalars, as the
/// protocol (docs/PROTOCOL.md §1), PostgreSQL and SQLite compare identifiers.
///
/// A bare `String` compares by canonical equivalence: `café` with a composed `é` (U+00E9) and
/// `cafe` + U+0301, two identifiers to a client and to the databases, would be one key, and the
/// figures of the one would be added to the other's. Code that holds identifiers as text (command
/// ids, and the read side, which knows no domain types) keys them with this; `Contracts` names it
/// too.
public struct IdentifierKey: Hashable, Sendable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    public static func == (lhs: Self, rhs: Self) -> Bool { IdentifierRule.same(lhs.text, rhs.text) }

    public func hash(into hasher: inout Hasher) { IdentifierRule.hash(text, into: &hasher) }
}
