/// Who issued a command: a person or a service, by the name the operator gave it.
///
/// Procurement's rules that depend on identity (the approver of an order is not its requester) compare
/// principals. The service fills it from the request, never from a payload field (see PROTOCOL.md).
public struct Principal: DomainIdentifier {
    public static let fieldName = "issued_by"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// A command whose meaning depends on who sent it (a request, an approval, a rejection): it names
/// its principal, which travels on the wire as the request's `issued_by`, not in the payload.
public protocol AttributedCommand: Command {
    var issuedBy: Principal { get }
}
