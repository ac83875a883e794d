/// Asks the replay socket for events from a position on: how a reader fills a gap or catches up
/// after downtime. `{"from": 1, "limit": 1000}`.
public struct ReplayRequest: Hashable, Sendable {
    /// First position wanted (≥ 1): the reader's checkpoint + 1.
    public var from: Int
    /// At most this many events (1…``WireLimits/maximumReplayLimit``).
    public var limit: Int

    public init(from: Int, limit: Int = WireLimits.defaultReplayLimit) {
        self.from = from
        self.limit = limit
    }
}

extension ReplayRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case from, limit
    }

    /// Validates too: `from` ≥ 1, `limit` in range (absent means the default).
    public init(from decoder: any Decoder) throws {
        let object = try WireObject(decoder)
        let from = try object.integer("from")
        guard from >= 1 else { throw WireError.invalidField("from", "must be at least 1, got \(from)") }
        let limit = try object.optionalInteger("limit") ?? WireLimits.defaultReplayLimit
        guard (1...WireLimits.maximumReplayLimit).contains(limit) else {
            throw WireError.invalidField(
                "limit", "must be between 1 and \(WireLimits.maximumReplayLimit), got \(limit)")
        }
        self.init(from: from, limit: limit)
    }
}
