/// Any JSON value, decoded without knowing its shape, so the client can print whatever a service
/// answers (and keeps working when the services add fields).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value as one cell of text.
    var text: String {
        switch self {
        case .null: "-"
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
        case .string(let value): value
        case .array(let values): values.map(\.text).joined(separator: ",")
        case .object(let fields): fields.keys.sorted().map { "\($0)=\(fields[$0]!.text)" }.joined(separator: " ")
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
