import Domain

/// A command with the identity its client gave it.
public struct CommandEnvelope: Sendable {
    /// The client's id; a retry reuses it and gets the first answer back.
    public let id: String
    /// A canonical form of the request, so that an id reused for another request is caught.
    public let fingerprint: String
    public let command: any Command
    /// The request's `issued_by` (in secure mode the authenticated principal), kept with the command
    /// and its events; nil when it names nobody, or for a policy's own command.
    public let issuedBy: String?

    public init(id: String, fingerprint: String, command: any Command, issuedBy: String? = nil) {
        self.id = id
        self.fingerprint = fingerprint
        self.command = command
        self.issuedBy = issuedBy
    }
}
