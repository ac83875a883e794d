import Domain
import Synchronization

/// The products this process's last commits left, each as the database holds it at its version,
/// without order lines: a group whose products are all here skips its read-ahead, and its whole
/// round is one statement (`Statements.Flush`).
///
/// Safe because it is only ever a guess that the flush checks. A product's every change raises its
/// version, and only a commit that succeeded is remembered, so a product here is the database's at
/// that version; the flush compares-and-sets each product a group consulted and refuses the whole
/// group if any moved on (another instance, a command handled alone), and the group is then handled
/// command by command from the database. What a cached product does not know is caught the same
/// way: a command id handled before, or an order's line already on the product, collides with its
/// row's key in the flush, which then fails whole. Those are retries and re-sent orders, rare by
/// nature; the common group reads nothing before it writes.
///
/// A version names one state only while the database's history is one line. A database that comes
/// back as another copy (a failover that lost commits, a restore) breaks that, and the cache is
/// emptied whenever the database cannot be reached; a copy swapped in without a single failure on
/// the way is beyond it, as it is beyond the relay's published mark and the read side's checkpoint.
public final class ProductCache: Sendable {
    private let entries = Mutex<[SKU: Product]>([:])
    private let capacity: Int
    private let onLookup: @Sendable (_ found: Bool) -> Void

    /// - Parameters:
    ///   - capacity: the most products kept; past it, an arbitrary one is dropped.
    ///   - onLookup: told, for each group, whether all its products were here (metrics).
    public init(capacity: Int = 10_000, onLookup: @escaping @Sendable (_ found: Bool) -> Void = { _ in }) {
        precondition(capacity >= 1)
        self.capacity = capacity
        self.onLookup = onLookup
    }

    /// The products of `skus`, if every one of them is here; otherwise nil.
    func products(_ skus: [SKU]) -> [Product]? {
        let found = entries.withLock { entries -> [Product]? in
            var found: [Product] = []
            found.reserveCapacity(skus.count)
            for sku in skus {
                guard let product = entries[sku] else { return nil }
                found.append(product)
            }
            return found
        }
        onLookup(found != nil)
        return found
    }

    /// Remembers products a commit just made durable, as they are at their versions. An older
    /// version than the one kept is ignored: two units may finish in either order.
    func remember(_ products: some Sequence<Product>) {
        let stripped = products.map(Self.withoutLines)
        entries.withLock { entries in
            for product in stripped {
                if let kept = entries[product.sku], kept.version >= product.version { continue }
                if entries[product.sku] == nil, entries.count >= capacity { entries.remove(at: entries.startIndex) }
                entries[product.sku] = product
            }
        }
    }

    /// Forgets products whose state a failed or unknown commit leaves in doubt.
    func forget(_ skus: some Sequence<SKU>) {
        entries.withLock { entries in
            for sku in skus { entries[sku] = nil }
        }
    }

    /// Forgets everything: the database could not be reached, and may come back as another copy.
    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }

    /// The product with its batches' totals and no known lines: what the cache may claim.
    private static func withoutLines(_ product: Product) -> Product {
        let batches = product.batches.map { batch in
            batch.allocations.isEmpty
                ? batch
                : Batch(
                    reference: batch.reference, sku: batch.sku, eta: batch.eta,
                    purchasedQuantity: batch.purchasedQuantity, allocatedQuantity: batch.allocatedQuantity,
                    knownAllocations: [])
        }
        return Product(sku: product.sku, batches: batches, version: product.version)
    }
}
