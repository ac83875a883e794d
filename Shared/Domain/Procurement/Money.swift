/// An ISO 4217 currency, by its three-letter code (`EUR`, `USD`, `JPY`).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    public init(_ code: String, field: String = "currency") throws(DomainError) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else {
            throw .invalidField(field, "must be an ISO 4217 code of three capital letters")
        }
        self.code = code
    }

    public var description: String { code }
}

/// An amount of money: a whole number of the currency's minor units (cents for EUR, yen for JPY).
///
/// Never floating point: 0.1 + 0.2 must be 0.3 on an invoice. Amounts of two currencies never add up
/// silently (`currencyMismatch`), and arithmetic past ``maximumMinorUnits`` is refused rather than
/// allowed to overflow.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// Ten trillion in minor units: far beyond any order, far from `Int.max`.
    public static let maximumMinorUnits = 1_000_000_000_000_000

    public let minorUnits: Int
    public let currency: Currency

    /// An amount as a client gave it: whole, not negative, within the bound.
    public init(minorUnits: Int, currency: Currency, field: String = "amount") throws(DomainError) {
        guard (0...Money.maximumMinorUnits).contains(minorUnits) else {
            throw .invalidQuantity(field, minorUnits, "must be between 0 and \(Money.maximumMinorUnits) minor units")
        }
        self.minorUnits = minorUnits
        self.currency = currency
    }

    private init(checked minorUnits: Int, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(checked: 0, currency: currency) }

    public func adding(_ other: Money) throws(ProcurementError) -> Money {
        guard other.currency == currency else { throw .currencyMismatch(expected: currency, got: other.currency) }
        return try Money.bounded(minorUnits.addingReportingOverflow(other.minorUnits), currency)
    }

    public func subtracting(_ other: Money) throws(ProcurementError) -> Money {
        guard other.currency == currency else { throw .currencyMismatch(expected: currency, got: other.currency) }
        guard other.minorUnits <= minorUnits else { throw .amountOutOfRange }
        return Money(checked: minorUnits - other.minorUnits, currency: currency)
    }

    /// The price of `quantity` units at this unit price.
    public func times(_ quantity: Int) throws(ProcurementError) -> Money {
        try Money.bounded(minorUnits.multipliedReportingOverflow(by: quantity), currency)
    }

    /// The sum of `amounts`, all in `currency`.
    public static func sum(_ amounts: some Sequence<Money>, in currency: Currency) throws(ProcurementError) -> Money {
        var total = Money.zero(currency)
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    public var description: String { "\(minorUnits) \(currency) minor units" }

    private static func bounded(_ result: (partialValue: Int, overflow: Bool), _ currency: Currency)
        throws(ProcurementError) -> Money
    {
        guard !result.overflow, (0...maximumMinorUnits).contains(result.partialValue) else {
            throw .amountOutOfRange
        }
        return Money(checked: result.partialValue, currency: currency)
    }
}
