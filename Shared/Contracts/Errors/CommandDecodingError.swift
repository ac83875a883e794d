/// Why a command frame was refused, with the command id when it could be read: the reply echoes
/// it (`null` otherwise) so the client can match the refusal to its request.
public struct CommandDecodingError: Error, Hashable, Sendable {
    public var commandID: String?
    public var error: WireError

    public init(commandID: String?, error: WireError) {
        self.commandID = commandID
        self.error = error
    }
}
