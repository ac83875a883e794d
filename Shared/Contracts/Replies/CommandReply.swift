/// The one frame answering a command request. A client reads `status` first: `ok` carries
/// `result` (and `position` for read-your-writes), `rejected` and `error` carry `error`.
public struct CommandReply: Hashable, Sendable {
    /// The request's command id; nil when it could not be read (not JSON, no valid id).
    public var commandID: String?
    public var status: ReplyStatus
    public var result: CommandResult?
    public var error: WireError?
    /// Global position of the last event the command produced; nil when it produced none. A
    /// query "at least at this position" then sees the command's effect.
    public var position: Int?

    public init(
        commandID: String?, status: ReplyStatus, result: CommandResult? = nil, error: WireError? = nil,
        position: Int? = nil
    ) {
        self.commandID = commandID
        self.status = status
        self.result = result
        self.error = error
        self.position = position
    }

    /// The command was applied.
    public static func ok(commandID: String, result: CommandResult, position: Int?) -> CommandReply {
        CommandReply(commandID: commandID, status: .ok, result: result, position: position)
    }

    /// The command was refused or failed; the status follows from the error's code.
    public static func failure(commandID: String?, error: WireError) -> CommandReply {
        CommandReply(commandID: commandID, status: error.status, error: error)
    }

    /// The reply to a frame that did not decode.
    public static func failure(_ decoding: CommandDecodingError) -> CommandReply {
        failure(commandID: decoding.commandID, error: decoding.error)
    }
}

extension CommandReply: Codable {
    enum CodingKeys: String, CodingKey {
        case commandID = "command_id", status, result, error, position
    }

    public init(from decoder: any Decoder) throws {
        let object = try WireObject(decoder)
        let rawStatus = try object.string("status")
        guard let status = ReplyStatus(rawValue: rawStatus) else {
            throw WireError.invalidField("status", "must be ok, rejected or error; got \(rawStatus)")
        }
        self.init(
            commandID: try object.optionalString("command_id"),
            status: status,
            result: object.isAbsent("result") ? nil : try object.decode(CommandResult.self, "result"),
            error: object.isAbsent("error") ? nil : try object.decode(WireError.self, "error"),
            position: try object.optionalInteger("position"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commandID, forKey: .commandID)
        try container.encode(status, forKey: .status)
        try container.encode(result, forKey: .result)
        try container.encode(error, forKey: .error)
        try container.encode(position, forKey: .position)
    }
}
