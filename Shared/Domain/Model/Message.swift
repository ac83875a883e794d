/// Something a client asks the system to do. It may be refused; it has exactly one handler.
public protocol Command: Sendable {}

/// Something that happened. It is a fact: it may have any number of handlers, or none.
public protocol Event: Sendable {
    /// The aggregate whose change raised it; its events keep their order.
    var aggregateID: String { get }
}
