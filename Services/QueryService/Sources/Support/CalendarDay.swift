import Foundation

/// A UTC calendar day written `YYYY-MM-DD`, the key of the KPIs' buckets. Its text sorts in time
/// order, so SQLite compares and ranges over days as text.
struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01, by the proleptic Gregorian calendar.
    let daysSinceEpoch: Int

    init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

    /// Parses exactly `YYYY-MM-DD` (years 0001 to 9999) naming a real day; nil otherwise.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1,
            (1...12).contains(month), day >= 1, day <= Self.length(ofMonth: month, in: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    /// The UTC day holding `date`.
    init(of date: Date) {
        daysSinceEpoch = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Year, month and day.
    var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// The first and last day of this day's month.
    var firstOfMonth: CalendarDay {
        let (year, month, _) = components
        return CalendarDay(year: year, month: month, day: 1)
    }

    var lastOfMonth: CalendarDay {
        let (year, month, _) = components
        return CalendarDay(year: year, month: month, day: Self.length(ofMonth: month, in: year))
    }

    /// `YYYY-MM`, the month bucket's key.
    var month: String { String(description.prefix(7)) }

    var description: String {
        let (year, month, day) = components
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static let earliest = CalendarDay(year: 1, month: 1, day: 1)
    static let latest = CalendarDay(year: 9999, month: 12, day: 31)
}

/// A range of days as the bucket tables are read: the days of its partial months at each end and
/// the whole months between, so a long range reads months, not every day.
struct DayRangeCover: Equatable {
    /// Inclusive ranges of day keys; an empty one is `nil`.
    var headDays: ClosedRange<CalendarDay>?
    var tailDays: ClosedRange<CalendarDay>?
    /// Inclusive range of month keys (`YYYY-MM`).
    var months: ClosedRange<String>?

    init(_ range: ClosedRange<CalendarDay>) {
        let from = range.lowerBound
        let to = range.upperBound
        // Whole months start at the first month that begins at or after `from`.
        let firstWhole = from == from.firstOfMonth ? from : from.lastOfMonth.adding(days: 1)
        // … and end at the last month that ends at or before `to`.
        let lastWhole = to == to.lastOfMonth ? to : to.firstOfMonth.adding(days: -1)
        guard firstWhole < lastWhole else {
            headDays = range
            return
        }
        months = firstWhole.month...lastWhole.month
        if from < firstWhole { headDays = from...firstWhole.adding(days: -1) }
        if lastWhole < to { tailDays = lastWhole.adding(days: 1)...to }
    }
}
