import Domain

extension EventPayload {
    /// The wire form of a Domain event. Throws for an event type Contracts does not know yet, so a
    /// new Domain event cannot be published by accident in a shape nobody documented.
    public init(_ event: any Event) throws(UnmappedDomainType) {
        switch event {
        case let e as BatchCreated:
            self = .batchCreated(
                BatchCreatedPayload(
                    reference: e.reference.rawValue, sku: e.sku.rawValue, quantity: e.quantity,
                    eta: e.eta?.description))
        case let e as Allocated:
            self = .allocated(
                AllocatedPayload(
                    orderID: e.orderID.rawValue, sku: e.sku.rawValue, quantity: e.quantity,
                    batchReference: e.batchReference.rawValue))
        case let e as Deallocated:
            self = .deallocated(
                DeallocatedPayload(
                    orderID: e.orderID.rawValue, sku: e.sku.rawValue, quantity: e.quantity,
                    batchReference: e.batchReference.rawValue, reason: e.reason.rawValue))
        case let e as OutOfStock:
            self = .outOfStock(
                OutOfStockPayload(sku: e.sku.rawValue, orderID: e.orderID.rawValue, quantity: e.quantity))
        case let e as BatchQuantityChanged:
            self = .batchQuantityChanged(
                BatchQuantityChangedPayload(reference: e.reference.rawValue, sku: e.sku.rawValue, quantity: e.quantity))
        case let e as BatchArrived:
            self = .batchArrived(BatchArrivedPayload(reference: e.reference.rawValue, sku: e.sku.rawValue))
        case let e as any ProcurementEvent:
            self = try EventPayload(procurement: e)
        default:
            throw UnmappedDomainType(event)
        }
    }

    private init(procurement event: any ProcurementEvent) throws(UnmappedDomainType) {
        switch event {
        case let e as SupplierCreated:
            self = .supplierCreated(
                SupplierCreatedPayload(
                    supplier: e.supplier.rawValue, name: e.name, currency: e.currency.code,
                    termsDays: e.paymentTermsDays))
        case let e as PurchaseOrderCreated:
            self = .purchaseOrderCreated(
                PurchaseOrderCreatedPayload(
                    number: e.number.rawValue, supplier: e.supplier.rawValue, currency: e.currency.code,
                    requester: e.requester.rawValue, expectedDelivery: e.expectedDelivery.description))
        case let e as PurchaseOrderItemAdded:
            self = .purchaseOrderItemAdded(
                PurchaseOrderItemAddedPayload(
                    number: e.number.rawValue, line: e.line, sku: e.sku.rawValue, quantity: e.quantity,
                    unitPrice: e.unitPrice.minorUnits, total: e.total.minorUnits, currency: e.total.currency.code))
        case let e as PurchaseOrderItemRemoved:
            self = .purchaseOrderItemRemoved(
                PurchaseOrderItemRemovedPayload(
                    number: e.number.rawValue, line: e.line, total: e.total.minorUnits,
                    currency: e.total.currency.code))
        case let e as PurchaseOrderSubmitted:
            self = .purchaseOrderSubmitted(
                PurchaseOrderSubmittedPayload(
                    number: e.number.rawValue, total: e.total.minorUnits, currency: e.total.currency.code,
                    by: e.by.rawValue))
        case let e as PurchaseOrderApproved:
            self = .purchaseOrderApproved(
                PurchaseOrderApprovedPayload(
                    number: e.number.rawValue, supplier: e.supplier.rawValue, total: e.total.minorUnits,
                    currency: e.total.currency.code, expectedDelivery: e.expectedDelivery.description,
                    by: e.by.rawValue, items: e.items.map(OrderItemPayload.init)))
        case let e as PurchaseOrderRejected:
            self = .purchaseOrderRejected(
                PurchaseOrderRejectedPayload(number: e.number.rawValue, by: e.by.rawValue, reason: e.reason))
        case let e as PurchaseOrderCancelled:
            self = .purchaseOrderCancelled(
                PurchaseOrderCancelledPayload(
                    number: e.number.rawValue, by: e.by.rawValue, reason: e.reason,
                    items: e.items.map(OrderItemPayload.init)))
        case let e as GoodsReceived:
            self = .goodsReceived(
                GoodsReceivedPayload(
                    number: e.number.rawValue, receivedOn: e.receivedOn.description,
                    expectedDelivery: e.expectedDelivery.description, status: e.status.rawValue,
                    lines: e.lines.map {
                        ReceivedLinePayload(
                            line: $0.line, sku: $0.sku.rawValue, quantity: $0.quantity, received: $0.received,
                            ordered: $0.ordered, closedShort: $0.closedShort, complete: $0.complete)
                    }))
        case let e as InvoiceRegistered:
            self = .invoiceRegistered(
                InvoiceRegisteredPayload(
                    supplier: e.supplier.rawValue, number: e.number.rawValue, purchaseOrder: e.purchaseOrder.rawValue,
                    invoiceDate: e.invoiceDate.description, total: e.total.minorUnits, currency: e.total.currency.code,
                    lines: e.lines.map(InvoiceLinePayload.init),
                    discrepancies: e.discrepancies.map(DiscrepancyPayload.init)))
        case let e as InvoiceRematched:
            self = .invoiceRematched(
                InvoiceRematchedPayload(
                    supplier: e.supplier.rawValue, number: e.number.rawValue,
                    discrepancies: e.discrepancies.map(DiscrepancyPayload.init)))
        case let e as InvoiceApproved:
            self = .invoiceApproved(
                InvoiceApprovedPayload(
                    supplier: e.supplier.rawValue, number: e.number.rawValue, purchaseOrder: e.purchaseOrder.rawValue,
                    total: e.total.minorUnits, currency: e.total.currency.code, by: e.by.rawValue,
                    overrideReason: e.overrideReason, paymentDue: e.paymentDue.description))
        case let e as InvoiceRejected:
            self = .invoiceRejected(
                InvoiceRejectedPayload(
                    supplier: e.supplier.rawValue, number: e.number.rawValue, by: e.by.rawValue, reason: e.reason))
        case let e as PaymentScheduled:
            self = .paymentScheduled(
                PaymentScheduledPayload(
                    supplier: e.supplier.rawValue, number: e.number.rawValue, due: e.due.description,
                    amount: e.amount.minorUnits, currency: e.amount.currency.code))
        case let e as PaymentMade:
            self = .paymentMade(
                PaymentMadePayload(
                    supplier: e.supplier.rawValue, number: e.number.rawValue, amount: e.amount.minorUnits,
                    currency: e.amount.currency.code, paidOn: e.paidOn.description, reference: e.reference,
                    balance: e.balance.minorUnits))
        default:
            throw UnmappedDomainType(event)
        }
    }
}

extension OrderItemPayload {
    init(_ item: PurchaseOrderItem) {
        self.init(
            line: item.line, sku: item.sku.rawValue, quantity: item.quantity, unitPrice: item.unitPrice.minorUnits)
    }
}

extension DiscrepancyPayload {
    init(_ discrepancy: Discrepancy) {
        switch discrepancy {
        case .notOrdered(let sku):
            self.init(sku: sku.rawValue, kind: "not_ordered", invoiced: 0, expected: 0)
        case .quantityNotReceived(let sku, let invoiced, let receivable):
            self.init(sku: sku.rawValue, kind: "quantity_not_received", invoiced: invoiced, expected: receivable)
        case .priceDiffers(let sku, let invoiced, let ordered):
            self.init(
                sku: sku.rawValue, kind: "price_differs", invoiced: invoiced.minorUnits, expected: ordered.minorUnits)
        }
    }
}
