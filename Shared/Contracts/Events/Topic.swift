/// The first frame of every PUB message. Subscribers filter on its prefix, so an event's topic
/// starts with `event.` and a heartbeat's is distinct.
public enum Topic {
    /// Prefix shared by every event topic; subscribe to it to get all events and no heartbeats.
    public static let eventPrefix = "event."
    /// Topic of heartbeat messages.
    public static let heartbeat = "heartbeat"

    /// `event.<Type>`, e.g. `event.Allocated`.
    public static func event(_ type: EventType) -> String { eventPrefix + type.rawValue }
}
