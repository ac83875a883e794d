/// A command refused by a rule of the model: nothing changed, and the same request would be refused
/// again. Each bounded context has its own refusals (`DomainError`, `ProcurementError`); the service
/// layer treats them alike and the wire maps each to a stable code.
public protocol Refusal: Error, Sendable, CustomStringConvertible {}
