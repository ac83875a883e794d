/// The one frame the events socket sends first on every new connection, before any event or
/// heartbeat: `log <id>`, the event log's id (``Heartbeat/log``). ZeroMQ reconnects a subscriber by
/// itself; the welcome tells it which log it is connected to now, before that log's events arrive.
public enum Welcome {
    /// The frame's first bytes; a subscriber to `""` gets the welcome, one to `event.` does not.
    public static let prefix = "log "

    public static func encode(log: String) -> [UInt8] { Array((prefix + log).utf8) }

    /// The log a one-frame message names: nil when it is no welcome, or names no log a replay
    /// request could (empty, or over ``WireLimits/maximumLogIdentityBytes``).
    public static func log(in frame: [UInt8]) -> String? {
        let prefix = Array(Self.prefix.utf8)
        guard frame.starts(with: prefix) else { return nil }
        let id = frame.dropFirst(prefix.count)
        guard WireLimits.isLogIdentity(id) else { return nil }
        return String(validating: id, as: UTF8.self)
    }
}
