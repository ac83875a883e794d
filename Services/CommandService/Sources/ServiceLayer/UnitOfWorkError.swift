/// Failures of the store that are not the domain's business.
public enum UnitOfWorkError: Error, Equatable, Sendable {
    /// Another writer changed the aggregate (or claimed the command id) first: try again.
    case conflict(String)
    /// The store cannot be reached or refused service: the client may retry later.
    case unavailable(String)
}
