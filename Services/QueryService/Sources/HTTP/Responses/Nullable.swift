/// A property written as JSON `null` when absent, rather than left out as Swift's synthesized
/// `Encodable` does: the API's documented fields are always present (required, and nullable).
@propertyWrapper
public struct Nullable<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

/// An amount of money: integer minor units of one currency. Amounts of different currencies are
/// never added, so every sum is a list of these, one per currency, ordered by currency.
public struct MoneyAmount: Codable, Sendable, Equatable {
    public var currency: String
    public var value: Int

    public init(currency: String, value: Int) {
        self.currency = currency
        self.value = value
    }
}

/// How many documents, and their value per currency.
public struct CountAndValue: Codable, Sendable, Equatable {
    public var count: Int
    public var value: [MoneyAmount]

    public init(count: Int, value: [MoneyAmount]) {
        self.count = count
        self.value = value
    }
}

/// Who rejected or cancelled a document, why, and when (the event's `occurred_at`).
public struct Closure: Codable, Sendable, Equatable {
    public var by: String
    public var reason: String
    public var at: String

    public init(by: String, reason: String, at: String) {
        self.by = by
        self.reason = reason
        self.at = at
    }
}
