import Domain

/// The repository port: the collection of `Product` aggregates as the service layer sees it.
///
/// A repository belongs to one unit of work and remembers the products it handed out (an identity
/// map), so a second `get` in the same unit returns the copy already changed. Loads name what the
/// command concerns, so an adapter can read only those allocations and not a product's history.
public protocol ProductRepository: AnyObject {
    /// The product of `sku`, knowing every allocation of `orderID` (when given).
    func get(_ sku: SKU, withLinesOf orderID: OrderID?) async throws -> Product?

    /// The product owning the batch, knowing enough of that batch's newest allocations to bring it
    /// down to `reducingTo` units (when given).
    func get(batch reference: BatchReference, reducingTo quantity: Int?) async throws -> Product?

    /// Starts tracking a product new to the store.
    func add(_ product: Product) async throws

    /// Stores a changed product. The adapter refuses it with `UnitOfWorkError.conflict` when the
    /// stored version moved since it was loaded (another writer won), and collects its events.
    func save(_ product: Product) async throws
}

extension UnitOfWork {
    /// The unit's products, as the book's `uow.products`.
    public var products: any ProductRepository {
        guard let products = repository((any ProductRepository).self) else {
            preconditionFailure("\(type(of: self)) has no product repository")
        }
        return products
    }
}
