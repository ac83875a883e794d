/// Where a committed event stands in the store's journal, before it has a global position.
/// The event log turns marks into gap-free positions (see `EventPositions`).
public struct EventMark: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: EventMark, rhs: EventMark) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}
