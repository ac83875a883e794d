/// Maps Swift's `DecodingError` (from any `Decodable` reading a frame) to the protocol's codes, so
/// a client learns which field was wrong instead of a Swift type name.
extension WireError {
    public init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self = .missingField(key.stringValue, in: WireObject.path(context.codingPath))
        case .valueNotFound(_, let context):
            guard let (field, path) = Self.split(context.codingPath) else {
                self = .badJSON("the frame is null, not a JSON object")
                return
            }
            self = .missingField(field, in: path)
        case .typeMismatch(let type, let context):
            guard let (field, path) = Self.split(context.codingPath) else {
                self = .badJSON("the frame is not a JSON object")
                return
            }
            self = .invalidField(field, "must be \(Self.jsonKind(of: type))", in: path)
        case .dataCorrupted(let context):
            guard let (field, path) = Self.split(context.codingPath) else {
                self = .badJSON(Self.notJSON)
                return
            }
            if Self.quantityFields.contains(field) {
                self = WireError(
                    code: .invalidQuantity, message: "\(Self.dotted(path, field)) must be a whole number",
                    field: field)
            } else {
                self = .invalidField(field, "is malformed", in: path)
            }
        @unknown default:
            self = .invalidField("", "could not be decoded: \(error)")
        }
    }

    /// Fields holding a number of units; a bad number there is an `invalid_quantity`.
    static let quantityFields: Set<String> = ["qty"]

    /// The innermost named field and the path of the object holding it, or nil at the top level.
    private static func split(_ codingPath: [any CodingKey]) -> (String, String)? {
        guard let index = codingPath.lastIndex(where: { $0.intValue == nil }) else { return nil }
        return (codingPath[index].stringValue, WireObject.path(codingPath[..<index]))
    }

    private static func jsonKind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}
