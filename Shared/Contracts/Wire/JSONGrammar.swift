/// RFC 8259's grammar, checked byte by byte before a request is read.
///
/// Foundation's `JSONDecoder` is lenient where the protocol promises strictness: it reads trailing
/// commas, and the fast reader's refusals of `01` or a raw tab in a string reached clients as
/// field errors. Every request frame (command or replay) passes here first, so whatever is not
/// JSON gets `bad_json`, the same from either reader, and only JSON reaches them. Strings must be
/// valid UTF-8 (no overlong forms, no encoded surrogates, nothing above U+10FFFF) with no raw
/// control characters; numbers are `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; after the one
/// top-level value only whitespace may follow. Nesting deeper than `maximumDepth` is refused too.
public enum JSONGrammar {
    /// Deeper than any frame of the protocol needs (a request nests four levels).
    public static let maximumDepth = 64

    public static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        if let valid = bytes.withContiguousStorageIfAvailable({ check($0) }) { return valid }
        return Array(bytes).withUnsafeBufferPointer { check($0) }
    }

    private static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = Scanner(bytes: bytes)
        guard scanner.value(depth: 0) else { return false }
        scanner.skipWhitespace()
        return scanner.index == bytes.count
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func value(depth: Int) -> Bool {
            skipWhitespace()
            switch current {
            case UInt8(ascii: "{"): return depth < JSONGrammar.maximumDepth && object(depth: depth + 1)
            case UInt8(ascii: "["): return depth < JSONGrammar.maximumDepth && array(depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func object(depth: Int) -> Bool {
            index += 1  // {
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            while true {
                skipWhitespace()
                guard string() else { return false }
                skipWhitespace()
                guard take(UInt8(ascii: ":")), value(depth: depth) else { return false }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }  // a member must follow: `,}` fails above
                return take(UInt8(ascii: "}"))
            }
        }

        mutating func array(depth: Int) -> Bool {
            index += 1  // [
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                guard value(depth: depth) else { return false }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }  // a value must follow: `,]` fails above
                return take(UInt8(ascii: "]"))
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func digits() -> Int {
            let start = index
            while let byte = current, byte &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - start
        }

        mutating func number() -> Bool {
            _ = take(UInt8(ascii: "-"))
            if take(UInt8(ascii: "0")) {
                // No leading zeros: `01` is not a number.
                if let byte = current, byte &- UInt8(ascii: "0") < 10 { return false }
            } else if digits() == 0 {
                return false
            }
            if take(UInt8(ascii: ".")), digits() == 0 { return false }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                if digits() == 0 { return false }
            }
            return true
        }

        mutating func string() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return true
                case UInt8(ascii: "\\"):
                    index += 1
                    guard escape() else { return false }
                case 0..<0x20:
                    return false  // raw control characters must be escaped
                case 0..<0x80:
                    index += 1
                default:
                    guard utf8Sequence() else { return false }
                }
            }
            return false  // unterminated
        }

        mutating func escape() -> Bool {
            guard let byte = current else { return false }
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return true
            case UInt8(ascii: "u"):
                guard bytes.count - index >= 4 else { return false }
                for _ in 0..<4 {
                    let digit = bytes[index]
                    guard
                        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit)
                            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(digit | 0x20)
                    else { return false }
                    index += 1
                }
                return true
            default:
                return false
            }
        }

        /// One multi-byte UTF-8 sequence (RFC 3629's table), its lead byte at `index`.
        mutating func utf8Sequence() -> Bool {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0  // no overlong forms
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F  // no UTF-16 surrogates
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F  // nothing above U+10FFFF
            default: return false
            }
            guard bytes.count - index >= length else { return false }
            guard (low...high).contains(bytes[index + 1]) else { return false }
            for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return false }
            index += length
            return true
        }
    }
}
