import Domain

/// A command with the identity its client gave it.
public struct CommandEnvelope: Sendable {
    /// The client's id; a retry reuses it and gets the first answer back.
    public let id: String
    /// A canonical form of the request, so that an id reused for another request is caught.
    public let fingerprint: String
    public let command: any Command

    public init(id: String, fingerprint: String, command: any Command) {
        self.id = id
        self.fingerprint = fingerprint
        self.command = command
    }
}
