/// Quantities are whole units. The bounds keep arithmetic far from overflow and reject nonsense
/// (negative stock, a billion billion units) at the boundary instead of deep in a handler.
public enum Quantity {
    /// More units than any single batch or order line could hold.
    public static let maximum = 1_000_000_000

    /// An order line asks for at least one unit.
    public static func orderLine(_ value: Int, field: String = "qty") throws(DomainError) -> Int {
        guard (1...maximum).contains(value) else {
            throw .invalidQuantity(field, value, "must be between 1 and \(maximum)")
        }
        return value
    }

    /// A batch may hold nothing (a cancelled shipment), but never less.
    public static func batch(_ value: Int, field: String = "qty") throws(DomainError) -> Int {
        guard (0...maximum).contains(value) else {
            throw .invalidQuantity(field, value, "must be between 0 and \(maximum)")
        }
        return value
    }
}
