import Domain

// The repository ports of procurement's aggregates, as the service layer sees them. Like
// `ProductRepository`, each remembers what it handed out in its unit of work (an identity map), and
// its adapter refuses a save from a stale copy with `UnitOfWorkError.conflict`.

public protocol SupplierRepository: AnyObject {
    func get(_ id: SupplierID) async throws -> Supplier?
    /// Starts tracking a new supplier; the commit refuses a second one with the same id.
    func add(_ supplier: Supplier) async throws
}

public protocol PurchaseOrderRepository: AnyObject {
    func get(_ number: PurchaseOrderNumber) async throws -> PurchaseOrder?
    /// Starts tracking a new order; the commit refuses a second one with the same number.
    func add(_ order: PurchaseOrder) async throws
    func save(_ order: PurchaseOrder) async throws
}

public protocol InvoiceRepository: AnyObject {
    func get(_ supplier: SupplierID, _ number: InvoiceNumber) async throws -> Invoice?
    /// Starts tracking a new invoice; the commit refuses a second one with the same supplier and
    /// number (two registrations racing included).
    func add(_ invoice: Invoice) async throws
    func save(_ invoice: Invoice) async throws
    /// The order's invoices still waiting for approval (matched or mismatched).
    func awaitingApproval(of order: PurchaseOrderNumber) async throws -> [Invoice]
}

extension UnitOfWork {
    public var suppliers: any SupplierRepository { port((any SupplierRepository).self) }
    public var purchaseOrders: any PurchaseOrderRepository { port((any PurchaseOrderRepository).self) }
    public var invoices: any InvoiceRepository { port((any InvoiceRepository).self) }

    private func port<Port>(_ type: Port.Type) -> Port {
        guard let port = repository(type) else { preconditionFailure("\(Self.self) has no \(type)") }
        return port
    }
}
