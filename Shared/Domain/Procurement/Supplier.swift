/// A supplier: who procurement buys from, in which currency, and how long it gives to pay.
///
/// An aggregate of its own (orders and invoices refer to it by id), registered once.
public struct Supplier: Sendable, Hashable {
    /// The longest payment terms accepted, in days.
    public static let maximumPaymentTerms = 365

    public let id: SupplierID
    public let name: String
    public let currency: Currency
    public let paymentTermsDays: Int
    public private(set) var version: Int
    public private(set) var events: [any ProcurementEvent] = []

    /// A supplier as a repository stored it.
    public init(id: SupplierID, name: String, currency: Currency, paymentTermsDays: Int, version: Int) {
        self.id = id
        self.name = name
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
        self.version = version
    }

    /// A new supplier; raises `SupplierCreated`.
    public static func create(_ command: CreateSupplier) -> Supplier {
        var supplier = Supplier(
            id: command.supplier, name: command.name, currency: command.currency,
            paymentTermsDays: command.paymentTermsDays, version: 1)
        supplier.events.append(
            SupplierCreated(
                supplier: command.supplier, name: command.name, currency: command.currency,
                paymentTermsDays: command.paymentTermsDays))
        return supplier
    }

    public mutating func takeEvents() -> [any ProcurementEvent] {
        defer { events = [] }
        return events
    }

    public static func == (lhs: Supplier, rhs: Supplier) -> Bool {
        (lhs.id, lhs.name, lhs.currency, lhs.paymentTermsDays, lhs.version)
            == (rhs.id, rhs.name, rhs.currency, rhs.paymentTermsDays, rhs.version)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
