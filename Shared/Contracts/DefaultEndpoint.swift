/// Where the command service listens unless told otherwise; every process defaults to these so a
/// local setup works without flags.
public enum DefaultEndpoint {
    /// ZeroMQ ROUTER taking command requests (clients connect DEALER or REQ).
    public static let commands = "tcp://127.0.0.1:5555"
    /// ZeroMQ PUB carrying events and heartbeats.
    public static let events = "tcp://127.0.0.1:5556"
    /// ZeroMQ ROUTER answering replay requests (clients connect DEALER).
    public static let replay = "tcp://127.0.0.1:5557"
}
