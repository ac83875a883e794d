/// The `error` object of a reply: why a request failed, in a form a client in any language can act
/// on (`code`), show (`message`) and point at (`field`).
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    /// For people; wording may change between versions.
    public var message: String
    /// The request field at fault (`"qty"`, `"command_id"`, …), when one is.
    public var field: String?
    /// Whether the same request may succeed later. Normally `code.isRetryable`; a decoded error
    /// keeps what the sender said, so a client older than a new code still knows what to do.
    public var retryable: Bool

    public init(code: ErrorCode, message: String, field: String? = nil, retryable: Bool? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryable = retryable ?? code.isRetryable
    }

    /// `rejected` for domain rules, `error` for the rest.
    public var status: ReplyStatus { code.status }

    public var description: String {
        "\(code.rawValue): \(message)" + (field.map { " (field \($0))" } ?? "")
    }
}

extension WireError {
    /// What `bad_json` says of a frame that RFC 8259 does not accept (see ``JSONGrammar``).
    public static let notJSON = "the frame is not valid JSON"

    public static func badJSON(_ detail: String = "the frame is not a JSON object") -> WireError {
        WireError(code: .badJSON, message: detail)
    }

    public static func missingField(_ field: String, in path: String? = nil) -> WireError {
        WireError(code: .missingField, message: "\(dotted(path, field)) is required", field: field)
    }

    public static func invalidField(_ field: String, _ reason: String, in path: String? = nil) -> WireError {
        WireError(code: .invalidField, message: "\(dotted(path, field)) \(reason)", field: field)
    }

    public static func badFrames(received: Int, expected: String = "1") -> WireError {
        WireError(code: .badFrames, message: "expected \(expected) frame(s), received \(received)")
    }

    public static func frameTooLarge(bytes: Int) -> WireError {
        WireError(
            code: .frameTooLarge,
            message: "the frame has \(bytes) bytes; the limit is \(WireLimits.maximumRequestBytes)")
    }

    public static func commandIDConflict(_ commandID: String) -> WireError {
        WireError(
            code: .commandIDConflict,
            message: "command id \(commandID) was already used for a different request",
            field: "command_id")
    }

    public static func concurrencyConflict(attempts: Int) -> WireError {
        WireError(
            code: .concurrencyConflict,
            message: "the aggregate kept changing concurrently (\(attempts) attempts); retry")
    }

    public static func unavailable(_ detail: String = "the database is unavailable") -> WireError {
        WireError(code: .unavailable, message: detail)
    }

    /// A failure after which the command may or may not have been applied: retryable, so that the
    /// client resends the same command id and gets the stored reply if it was.
    public static func outcomeUnknown(_ detail: String) -> WireError {
        unavailable(
            "the command failed unexpectedly (\(detail)); it may have been applied: "
                + "resend it with the same command_id to learn its outcome")
    }

    public static let shuttingDown = WireError(code: .shuttingDown, message: "the service is shutting down")

    public static func otherLog(asked: String, served: String) -> WireError {
        WireError(
            code: .otherLog,
            message: "the request names event log \(asked), and this service's database holds log \(served)")
    }

    public static func `internal`(_ detail: String) -> WireError {
        WireError(code: .internal, message: detail)
    }

    static func dotted(_ path: String?, _ field: String) -> String {
        guard let path, !path.isEmpty else { return field }
        return path + "." + field
    }
}

extension WireError: Codable {
    enum CodingKeys: String, CodingKey {
        case code, message, field, retryable
    }

    public init(from decoder: any Decoder) throws {
        let object = try WireObject(decoder)
        let rawCode = try object.string("code")
        let code = ErrorCode(rawValue: rawCode) ?? .internal
        var message = try object.optionalString("message") ?? ""
        if code.rawValue != rawCode { message = "[\(rawCode)] " + message }
        self.init(
            code: code, message: message, field: try object.optionalString("field"),
            retryable: try object.optionalBool("retryable"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(field, forKey: .field)
        try container.encode(retryable, forKey: .retryable)
    }
}
