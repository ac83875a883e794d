import Domain

/// A command frame that passed every check: the Domain command for the handler, and the request
/// it came from (for the exactly-once record: see ``CommandRequest/fingerprint``).
public struct DecodedCommand: Sendable {
    public let request: CommandRequest
    /// Already validated by the Domain's initialisers.
    public let command: any Command

    public var commandID: String { request.commandID }
    public var type: CommandType { request.type }

    public init(request: CommandRequest, command: any Command) {
        self.request = request
        self.command = command
    }
}
