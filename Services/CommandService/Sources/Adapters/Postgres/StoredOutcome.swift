import Domain

/// How a command's outcome is kept in `processed_commands`: its name, and its detail in the
/// `batch_reference` column (named for allocation's detail, the batch; procurement keeps a new
/// item's line number and an invoice's match there).
enum StoredOutcome {
    static func encode(_ outcome: CommandOutcome) -> (String, String?) {
        switch outcome {
        case .batchCreated: ("batch_created", nil)
        case .allocated(let reference): ("allocated", reference.rawValue)
        case .outOfStock: ("out_of_stock", nil)
        case .deallocated: ("deallocated", nil)
        case .quantityChanged: ("quantity_changed", nil)
        case .batchArrived: ("batch_arrived", nil)
        case .supplierCreated: ("supplier_created", nil)
        case .purchaseOrderCreated: ("purchase_order_created", nil)
        case .itemAdded(let line): ("item_added", String(line))
        case .itemRemoved: ("item_removed", nil)
        case .purchaseOrderSubmitted: ("purchase_order_submitted", nil)
        case .purchaseOrderApproved: ("purchase_order_approved", nil)
        case .purchaseOrderRejected: ("purchase_order_rejected", nil)
        case .purchaseOrderCancelled: ("purchase_order_cancelled", nil)
        case .goodsReceived: ("goods_received", nil)
        case .invoiceRegistered(let matched): ("invoice_registered", matched ? "matched" : "mismatched")
        case .invoiceApproved: ("invoice_approved", nil)
        case .invoiceRejected: ("invoice_rejected", nil)
        case .paymentScheduled: ("payment_scheduled", nil)
        case .paymentRecorded: ("payment_recorded", nil)
        }
    }

    static func decode(_ name: String, _ detail: String?) throws -> CommandOutcome {
        switch (name, detail) {
        case ("batch_created", _): .batchCreated
        case ("allocated", let reference?): .allocated(try BatchReference(reference))
        case ("out_of_stock", _): .outOfStock
        case ("deallocated", _): .deallocated
        case ("quantity_changed", _): .quantityChanged
        case ("batch_arrived", _): .batchArrived
        case ("supplier_created", _): .supplierCreated
        case ("purchase_order_created", _): .purchaseOrderCreated
        case ("item_added", let line?) where Int(line) != nil: .itemAdded(line: Int(line)!)
        case ("item_removed", _): .itemRemoved
        case ("purchase_order_submitted", _): .purchaseOrderSubmitted
        case ("purchase_order_approved", _): .purchaseOrderApproved
        case ("purchase_order_rejected", _): .purchaseOrderRejected
        case ("purchase_order_cancelled", _): .purchaseOrderCancelled
        case ("goods_received", _): .goodsReceived
        case ("invoice_registered", let match?): .invoiceRegistered(matched: match == "matched")
        case ("invoice_approved", _): .invoiceApproved
        case ("invoice_rejected", _): .invoiceRejected
        case ("payment_scheduled", _): .paymentScheduled
        case ("payment_recorded", _): .paymentRecorded
        default: throw UnitOfWorkError.unavailable("unreadable stored outcome \(name)")
        }
    }

    /// A `processed_commands` row (with its last event's mark) as the service layer sees it.
    static func command(_ fingerprint: String, _ outcome: String, _ reference: String?, _ lastSeq: Int64?) throws
        -> StoredCommand
    {
        StoredCommand(
            fingerprint: fingerprint, outcome: try decode(outcome, reference), lastEvent: lastSeq.map(EventMark.init))
    }
}
