import Foundation

/// Published at least once a second so a reader can tell a quiet log from a lost message: a reader
/// whose checkpoint is below `head` has missed events and fetches them from replay.
public struct Heartbeat: Hashable, Sendable {
    /// Position of the last committed event (0 while the log is empty).
    public var head: Int
    /// When the heartbeat was sent (UTC, milliseconds).
    public var time: Date
    /// Which event log `head` counts in: an id the command side's database draws once, when its
    /// log is created. A reader keeps it with its checkpoint and refuses another log's events,
    /// whose positions would mean other events. Absent from services that predate it.
    public var log: String?

    public init(head: Int, time: Date, log: String? = nil) {
        self.head = head
        self.time = time
        self.log = log
    }
}

extension Heartbeat: Codable {
    enum CodingKeys: String, CodingKey {
        case head, time, log
    }

    public init(from decoder: any Decoder) throws {
        let object = try WireObject(decoder)
        // A `log` no replay request could name (empty, too long, not a string) counts as absent.
        let log = (try? object.optionalString("log")).flatMap { $0 }.flatMap { log in
            WireLimits.isLogIdentity(log.utf8) ? log : nil
        }
        self.init(head: try object.integer("head"), time: try object.timestamp("time"), log: log)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(head, forKey: .head)
        try container.encode(WireTimestamp.format(time), forKey: .time)
        try container.encodeIfPresent(log, forKey: .log)
    }
}
