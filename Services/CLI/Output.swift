import Contracts
import Foundation

/// Turns the services' JSON into text for people: scalars as `key  value` lines, arrays of objects
/// as aligned tables. `--json` prints the JSON itself instead.
enum Output {
    static func json(_ data: Data) {
        print(String(decoding: data, as: UTF8.self))
    }

    static func text(_ data: Data) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        render(value, title: nil)
    }

    static func render(_ value: JSONValue, title: String?) {
        switch value {
        case .object(let fields):
            let scalars = fields.keys.sorted().filter { fields[$0]!.isScalar }
            let width = scalars.map(\.count).max() ?? 0
            if let title, !scalars.isEmpty { print("\n\(title)") }
            for key in scalars {
                print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + fields[key]!.text)
            }
            for key in fields.keys.sorted() where !fields[key]!.isScalar {
                render(fields[key]!, title: title.map { "\($0).\(key)" } ?? key)
            }
        case .array(let items):
            if let title { print("\n\(title)") }
            let rows = items.compactMap { item -> [String: JSONValue]? in
                if case .object(let fields) = item { fields } else { nil }
            }
            print(rows.count == items.count ? table(rows) : items.map(\.text).joined(separator: ", "))
        default:
            print(value.text)
        }
    }

    static func table(_ rows: [[String: JSONValue]]) -> String {
        guard !rows.isEmpty else { return "(none)" }
        // Every row's keys, in one order: a null the service left out is an empty cell.
        let columns = Set(rows.flatMap(\.keys)).sorted()
        return self.columns(columns.map { $0.uppercased() }, rows.map { row in columns.map { row[$0]?.text ?? "" } })
    }

    /// An aligned table: the header, then one line per row, columns two spaces apart.
    static func columns(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { index in
            max(header[index].count, rows.map { $0[index].count }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            var text = ""
            for (value, width) in zip(values, widths) {
                text += value.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            }
            return String(text.reversed().drop(while: { $0 == " " }).reversed())
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
