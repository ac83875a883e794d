/// Asks the replay socket for events from a position on: how a reader fills a gap or catches up
/// after downtime. `{"from": 1, "limit": 1000}`, and `"encoding": "binary"` for a binary page;
/// `"log"` names the event log the reader's checkpoint counts in (from a heartbeat), so that a
/// reader pointed at another database is refused (`other_log`) instead of mixing two logs.
public struct ReplayRequest: Hashable, Sendable {
    /// First position wanted (≥ 1): the reader's checkpoint + 1.
    public var from: Int
    /// At most this many events (1…``WireLimits/maximumReplayLimit``).
    public var limit: Int
    /// The form of the response's events (JSON unless asked otherwise).
    public var encoding: ReplayEncoding
    /// The event log the reader expects (``Heartbeat/log``); absent, any log is served.
    public var log: String?

    public init(
        from: Int, limit: Int = WireLimits.defaultReplayLimit, encoding: ReplayEncoding = .json, log: String? = nil
    ) {
        self.from = from
        self.limit = limit
        self.encoding = encoding
        self.log = log
    }
}

extension ReplayRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case from, limit, encoding, log
    }

    /// Validates too: `from` ≥ 1, `limit` in range (absent means the default), `encoding` one of
    /// ``ReplayEncoding``'s names (absent means JSON), `log` a heartbeat's log (absent means any).
    public init(from decoder: any Decoder) throws {
        let object = try WireObject(decoder)
        let from = try object.integer("from")
        guard from >= 1 else { throw WireError.invalidField("from", "must be at least 1, got \(from)") }
        let limit = try object.optionalInteger("limit") ?? WireLimits.defaultReplayLimit
        guard (1...WireLimits.maximumReplayLimit).contains(limit) else {
            throw WireError.invalidField(
                "limit", "must be between 1 and \(WireLimits.maximumReplayLimit), got \(limit)")
        }
        let encoding = try object.optionalString("encoding").map { name in
            guard let encoding = ReplayEncoding(rawValue: name) else {
                throw WireError.invalidField("encoding", "must be \"json\" or \"binary\", got \"\(name)\"")
            }
            return encoding
        }
        let log = try object.optionalString("log")
        if let log, !WireLimits.isLogIdentity(log.utf8) {
            throw WireError.invalidField(
                "log", "must be 1 to \(WireLimits.maximumLogIdentityBytes) bytes, as a heartbeat's log is")
        }
        self.init(from: from, limit: limit, encoding: encoding ?? .json, log: log)
    }

    /// Leaves `encoding` out when it is JSON and `log` when absent, as clients that predate them write requests.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(limit, forKey: .limit)
        if encoding != .json { try container.encode(encoding.rawValue, forKey: .encoding) }
        try container.encodeIfPresent(log, forKey: .log)
    }
}
