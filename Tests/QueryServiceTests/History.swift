import Contracts
import Foundation

/// Event payloads and envelopes for tests, named as in the book.
enum History {
    /// Event time starts here and advances 20 s per position, so a history spans several minutes.
    static let epoch = Date(timeIntervalSince1970: 1_795_654_800)  // 2026-11-26T01:00:00Z

    static func envelope(position: Int, payload: EventPayload, at time: Date? = nil) -> EventEnvelope {
        EventEnvelope(
            position: position,
            eventID: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", position))!,
            occurredAt: time ?? epoch.addingTimeInterval(Double(position) * 20), aggregateID: payload.aggregateID,
            aggregateVersion: position, commandID: "command-\(position)", payload: payload)
    }

    static func batch(_ ref: String, _ sku: String, _ qty: Int, eta: String? = nil) -> EventPayload {
        .batchCreated(BatchCreatedPayload(reference: ref, sku: sku, quantity: qty, eta: eta))
    }

    static func allocated(_ orderid: String, _ sku: String, _ qty: Int, _ batchref: String) -> EventPayload {
        .allocated(AllocatedPayload(orderID: orderid, sku: sku, quantity: qty, batchReference: batchref))
    }

    static func deallocated(
        _ orderid: String, _ sku: String, _ qty: Int, _ batchref: String, reason: String = "requested"
    ) -> EventPayload {
        .deallocated(
            DeallocatedPayload(orderID: orderid, sku: sku, quantity: qty, batchReference: batchref, reason: reason))
    }

    static func outOfStock(_ orderid: String, _ sku: String, _ qty: Int) -> EventPayload {
        .outOfStock(OutOfStockPayload(sku: sku, orderID: orderid, quantity: qty))
    }

    static func quantityChanged(_ ref: String, _ sku: String, _ qty: Int) -> EventPayload {
        .batchQuantityChanged(BatchQuantityChangedPayload(reference: ref, sku: sku, quantity: qty))
    }

    /// A history with everything a projection must get right: two SKUs, warehouse stock and a
    /// shipment, allocations, a requested deallocation, a quantity change that releases a line which
    /// is reallocated elsewhere, another that leaves a line out of stock, and out-of-stock orders.
    static let mixed: [EventPayload] = [
        batch("batch-001", "SMALL-TABLE", 20),
        batch("batch-002", "SMALL-TABLE", 50, eta: "2026-12-01"),
        batch("batch-003", "BLUE-VASE", 10),
        allocated("order-1", "SMALL-TABLE", 8, "batch-001"),
        allocated("order-2", "SMALL-TABLE", 10, "batch-001"),
        allocated("order-3", "BLUE-VASE", 4, "batch-003"),
        deallocated("order-1", "SMALL-TABLE", 8, "batch-001"),
        allocated("order-4", "SMALL-TABLE", 5, "batch-001"),
        // batch-001 shrinks to 12: order-4 (newest) is released and goes to the shipment.
        quantityChanged("batch-001", "SMALL-TABLE", 12),
        deallocated("order-4", "SMALL-TABLE", 5, "batch-001", reason: "batch_quantity_reduced"),
        allocated("order-4", "SMALL-TABLE", 5, "batch-002"),
        outOfStock("order-5", "BLUE-VASE", 50),
        // batch-003 shrinks to 2: order-3 is released and nothing can take it.
        quantityChanged("batch-003", "BLUE-VASE", 2),
        deallocated("order-3", "BLUE-VASE", 4, "batch-003", reason: "batch_quantity_reduced"),
        outOfStock("order-3", "BLUE-VASE", 4),
        allocated("order-6", "BLUE-VASE", 2, "batch-003"),
    ]

    /// `count` simple events: one batch, then allocations of one unit each to distinct orders.
    static func allocations(count: Int, sku: String = "LAMP", batch ref: String = "lamp-batch") -> [EventPayload] {
        [batch(ref, sku, 1_000_000)] + (1..<max(count, 1)).map { allocated("order-\($0)", sku, 1, ref) }
    }
}
