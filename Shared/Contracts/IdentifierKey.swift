import Domain

/// An identifier as a key, equal only to the same Unicode scalars (docs/PROTOCOL.md §1): the read
/// side, which imports no domain, keys identifiers with it too.
public typealias IdentifierKey = Domain.IdentifierKey
