/// A Domain command or event with no wire form yet: a programming error, reported instead of
/// crashing so the service can refuse the one command (`internal`) and keep serving.
public struct UnmappedDomainType: Error, Hashable, Sendable, CustomStringConvertible {
    public let typeName: String

    public init(_ value: Any) { typeName = String(describing: type(of: value)) }

    public var description: String { "\(typeName) has no wire form in Contracts" }
}
