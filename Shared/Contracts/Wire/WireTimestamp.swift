import Foundation

/// Instants on the wire: UTC, ISO 8601, exactly three fractional digits
/// (`2026-11-26T01:02:03.456Z`). Written by hand so the text is the same on every platform and a
/// decoded instant re-encodes to the same text (it is rounded to the millisecond). Public so readers
/// can store times in the same text (whose order is time order).
public enum WireTimestamp {
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        if append(date, to: &bytes) { return String(decoding: bytes, as: UTF8.self) }
        let c = components(date)!
        return
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))Z"
    }

    /// Appends `format(date)`'s bytes, without the Strings of the general path (readers and writers
    /// do it for every event): digits go into a fixed buffer that is appended at once. False,
    /// appending nothing, for years outside 0…9999.
    static func append(_ date: Date, to bytes: inout [UInt8]) -> Bool {
        guard let c = components(date), (0...9999).contains(c.year) else { return false }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            var index = 0
            func put(_ value: Int64, _ width: Int64, then separator: Unicode.Scalar) {
                var divisor = width
                while divisor > 0 {
                    text[index] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    index += 1
                    divisor /= 10
                }
                text[index] = UInt8(ascii: separator)
                index += 1
            }
            put(c.year, 1000, then: "-")
            put(c.month, 10, then: "-")
            put(c.day, 10, then: "T")
            put(c.hour, 10, then: ":")
            put(c.minute, 10, then: ":")
            put(c.second, 10, then: ".")
            put(c.millisecond, 100, then: "Z")
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<index]))
        }
        return true
    }

    /// The instant as whole milliseconds since 1970, rounded as the text is: the binary replay
    /// encoding carries this number, and `Date(timeIntervalSince1970: Double(ms) / 1000)` is what
    /// parsing the text gives.
    static func milliseconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        // ±1e14 s is ±3 million years: far beyond any real instant, and safe to convert.
        let clamped = seconds.isFinite ? min(max(seconds, -1e14), 1e14) : 0
        return Int64((clamped * 1000).rounded())
    }

    /// The UTC calendar fields of `date`, rounded to the millisecond (never nil: optional only so
    /// callers can bind the fields with `guard let`).
    static func components(_ date: Date) -> (
        year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, millisecond: Int64
    )? {
        let (days, msOfDay) = floorDivision(milliseconds(date), 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        return (
            year, month, day, msOfDay / 3_600_000, msOfDay / 60_000 % 60, msOfDay / 1000 % 60, msOfDay % 1000
        )
    }

    /// Accepts `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to 9 digits (kept to the
    /// millisecond), then `Z` or a `±HH:MM` offset.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` on the text's UTF-8 bytes, for readers that have not made a String of them.
    static func parse(utf8 text: UnsafeBufferPointer<UInt8>) -> Date? {
        var scanner = Scanner(text)
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t"),
            let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2), scanner.skip(":"),
            let second = scanner.digits(2)
        else { return nil }
        var millisecond: Int64 = 0
        if scanner.skip(".") {
            let fraction = scanner.digitRun()
            guard (1...9).contains(fraction.count) else { return nil }
            for offset in 0..<3 {
                millisecond =
                    millisecond * 10
                    + (offset < fraction.count ? Int64(fraction[fraction.startIndex + offset] - 48) : 0)
            }
        }
        var offsetMinutes: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offsetMinutes = 0
        } else if let sign = scanner.sign(), let offsetHour = scanner.digits(2), scanner.skip(":"),
            let offsetMinute = scanner.digits(2), offsetHour < 24, offsetMinute < 60
        {
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        } else {
            return nil
        }
        guard scanner.atEnd, (1...12).contains(month), day >= 1, day <= length(ofMonth: month, in: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = days(fromCivil: year, month, day)
        let total =
            ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millisecond
        return Date(timeIntervalSince1970: Double(total) / 1000)
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        /// A scalar rather than a Character: `Character.asciiValue` walks grapheme machinery, and this
        /// runs several times for every event a reader decodes.
        mutating func skip(_ ascii: Unicode.Scalar) -> Bool {
            guard !atEnd, UInt32(bytes[index]) == ascii.value else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int64? {
            guard bytes.count - index >= count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += count
            return value
        }

        mutating func digitRun() -> Slice<UnsafeBufferPointer<UInt8>> {
            let start = index
            while !atEnd, (48...57).contains(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    private static func floorDivision(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let remainder = a % b
        return remainder < 0 ? (a / b - 1, remainder + b) : (a / b, remainder)
    }

    private static func length(ofMonth month: Int64, in year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension WireObject {
    func timestamp(_ name: String) throws(WireError) -> Date {
        let text = try string(name)
        guard let date = WireTimestamp.parse(text) else {
            throw .invalidField(name, "must be an ISO 8601 UTC time like 2026-11-26T01:02:03.456Z", in: path)
        }
        return date
    }
}
