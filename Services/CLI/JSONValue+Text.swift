import Contracts
import Foundation

/// How the CLI prints any JSON value the services answer: as cells of a table or lines of text.
extension JSONValue {
    /// The value as one cell of text.
    var text: String {
        switch self {
        case .null: "-"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
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
