/// Why the service layer refused a command, beyond the domain's own rules.
public enum ServiceError: Error, Equatable, Sendable {
    /// No handler is registered for this command type (a wiring bug).
    case noHandler(String)
    /// The command id was used before for a different request.
    case commandIDReused(String)
    /// Other writers kept winning; the client may retry.
    case tooManyConflicts(attempts: Int, String)
}
