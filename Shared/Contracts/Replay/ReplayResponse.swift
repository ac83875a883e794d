/// The events a replay request asked for: `{"events": [...], "head": 1234}`. Events are in
/// position order, start at the request's `from` and have no gaps; there are at most `limit` of
/// them, and none when `from > head`. A reader asks again from its new checkpoint + 1 until it
/// reaches `head`.
public struct ReplayResponse: Hashable, Sendable {
    public var events: [EventEnvelope]
    /// Position of the last committed event when the response was built.
    public var head: Int

    public init(events: [EventEnvelope], head: Int) {
        self.events = events
        self.head = head
    }
}

/// What the replay socket answers: events, or an error (`{"error": {...}}`, the same object as in
/// command replies).
public enum ReplayReply: Hashable, Sendable {
    case events(ReplayResponse)
    case failure(WireError)
}

extension ReplayReply: Codable {
    enum CodingKeys: String, CodingKey {
        case events, head, error
    }

    /// Throws ``EventDecodingError`` when any event in it cannot be read: a reader stops there.
    public init(from decoder: any Decoder) throws {
        let object: WireObject
        do {
            object = try WireObject(decoder)
            if !object.isAbsent("error") {
                self = .failure(try object.decode(WireError.self, "error"))
                return
            }
        } catch let error as WireError {
            throw EventDecodingError.malformed(error)
        }
        do {
            let head = try object.integer("head")
            let events = try object.decode([EventEnvelope].self, "events")
            self = .events(ReplayResponse(events: events, head: head))
        } catch let error as WireError {
            throw EventDecodingError.malformed(error)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .events(let response):
            try container.encode(response.events, forKey: .events)
            try container.encode(response.head, forKey: .head)
        case .failure(let error):
            try container.encode(error, forKey: .error)
        }
    }
}
