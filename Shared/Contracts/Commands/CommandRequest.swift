import Domain
import Foundation

/// One command as a client sends it: `{"command_id", "type", "schema_version", "payload"}`.
///
/// The command id is the client's: retrying with the same id is how a client gets exactly-once
/// effect. Built from raw fields, a request may hold anything (the service is the judge); built
/// from a Domain command, it holds only what the model accepts.
public struct CommandRequest: Hashable, Sendable {
    public var commandID: String
    public var schemaVersion: Int
    public var payload: CommandPayload
    /// The principal the client names as issuing the command (`issued_by`); procurement's decisions
    /// need one. Absent from allocation's requests, and then not written.
    public var issuedBy: String?

    public var type: CommandType { payload.type }

    public init(commandID: String, payload: CommandPayload, schemaVersion: Int? = nil, issuedBy: String? = nil) {
        self.commandID = commandID
        self.payload = payload
        self.schemaVersion = schemaVersion ?? payload.type.currentSchemaVersion
        self.issuedBy = issuedBy
    }

    /// The request for a Domain command; its principal (a decision's) becomes `issued_by`.
    public init(commandID: String, command: any Command) throws(UnmappedDomainType) {
        self.init(
            commandID: commandID, payload: try CommandPayload(command),
            issuedBy: (command as? any AttributedCommand)?.issuedBy.rawValue)
    }

    /// The request without its command id, in canonical JSON (sorted keys, unknown fields gone,
    /// `schema_version` filled in). Two requests are "the same request" for exactly-once purposes
    /// iff their fingerprints are equal; a service stores it beside the command id.
    public var fingerprint: String {
        String(decoding: WireFastWriter.fingerprint(self) ?? WireJSON.encode(Fingerprint(request: self)), as: UTF8.self)
    }

    private struct Fingerprint: Encodable {
        let request: CommandRequest
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(request.type, forKey: .type)
            try container.encode(request.schemaVersion, forKey: .schemaVersion)
            try container.encode(request.payload, forKey: .payload)
            try container.encodeIfPresent(request.issuedBy, forKey: .issuedBy)
        }
    }

    /// An identifier (``WireLimits/identifierProblem(_:)``), as every name on the wire is.
    static func validateCommandID(_ id: String) throws(WireError) {
        if let problem = WireLimits.identifierProblem(id) { throw .invalidField("command_id", problem) }
    }
}

extension CommandRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case commandID = "command_id", type, schemaVersion = "schema_version", payload, issuedBy = "issued_by"
    }

    /// Reads and checks the envelope and the payload's JSON types (not the Domain's rules). Throws
    /// ``CommandDecodingError``, carrying the command id whenever it could be read, so even a
    /// refusal can be matched to its request.
    public init(from decoder: any Decoder) throws {
        let object: WireObject
        do {
            object = try WireObject(decoder)
        } catch {
            throw CommandDecodingError(commandID: nil, error: error)
        }
        let commandID: String
        do {
            commandID = try object.string("command_id")
            try Self.validateCommandID(commandID)
        } catch {
            throw CommandDecodingError(commandID: nil, error: error)
        }
        do throws(WireError) {
            let typeName = try object.string("type")
            guard let type = CommandType(rawValue: typeName) else {
                throw WireError(
                    code: .unknownType,
                    message: "unknown command type \(typeName); known: "
                        + CommandType.allCases.map(\.rawValue).joined(separator: ", "),
                    field: "type")
            }
            let version = try object.optionalInteger("schema_version") ?? SchemaVersion.assumed
            guard type.supportedSchemaVersions.contains(version) else {
                throw WireError(
                    code: .unsupportedSchemaVersion,
                    message: "\(typeName) schema_version \(version) is not supported; supported: "
                        + type.supportedSchemaVersions.map(String.init).joined(separator: ", "),
                    field: "schema_version")
            }
            let payload = try CommandPayload(type: type, from: object.object("payload"))
            let issuedBy = try object.optionalString("issued_by")
            self.init(commandID: commandID, payload: payload, schemaVersion: version, issuedBy: issuedBy)
        } catch {
            throw CommandDecodingError(commandID: commandID, error: error)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commandID, forKey: .commandID)
        try container.encode(type, forKey: .type)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(payload, forKey: .payload)
        try container.encodeIfPresent(issuedBy, forKey: .issuedBy)
    }
}
