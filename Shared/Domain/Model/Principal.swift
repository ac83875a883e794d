/// Who issued a command: a person or a service, by the name the operator gave it.
///
/// Procurement's rules that depend on identity (the approver of an order is not its requester) compare
/// principals. The service fills it from the request, never from a payload field (see PROTOCOL.md).
public struct Principal: DomainIdentifier {
    public static let fieldName = "issued_by"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}
