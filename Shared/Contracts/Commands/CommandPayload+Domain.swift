import Domain

// Both directions between wire payloads and Domain commands. Into the Domain goes through its
// initialisers, so the wire accepts exactly what the model accepts. Fields are checked in the order
// docs/PROTOCOL.md lists them (the first problem is the one reported), so a check the initialiser
// would make after a later field's is made first here, with the Domain's own rule.

extension CommandPayload {
    /// The validated Domain command; a format or bound error names the field. `issuedBy` is the
    /// request's principal: procurement's decisions need one (`missing_field` without). Every
    /// command's `issued_by` must be an identifier when given, whether the command uses it or not:
    /// it is stored with the command and carried in its events' metadata.
    public func command(issuedBy: String? = nil) throws(DomainError) -> any Command {
        let command = try domainCommand(issuedBy: issuedBy)
        if let issuedBy { _ = try Principal(issuedBy) }
        return command
    }

    private func domainCommand(issuedBy: String?) throws(DomainError) -> any Command {
        func principal() throws(DomainError) -> Principal {
            guard let issuedBy else { throw .missingField(Principal.fieldName) }
            return try Principal(issuedBy)
        }
        func day(_ text: String, _ field: String) throws(DomainError) -> Day { try Day(iso8601: text, field: field) }
        switch self {
        case .createBatch(let p):
            let (reference, sku) = (try BatchReference(p.reference), try SKU(p.sku))
            let quantity = try Quantity.batch(p.quantity)
            return try CreateBatch(
                reference: reference, sku: sku, quantity: quantity,
                eta: p.eta.map { text throws(DomainError) in try Day(iso8601: text) })
        case .allocate(let p):
            return try Allocate(orderID: OrderID(p.orderID), sku: SKU(p.sku), quantity: p.quantity)
        case .deallocate(let p):
            return try Deallocate(orderID: OrderID(p.orderID), sku: SKU(p.sku))
        case .changeBatchQuantity(let p):
            return try ChangeBatchQuantity(reference: BatchReference(p.reference), quantity: p.quantity)
        case .recordBatchArrival(let p):
            return RecordBatchArrival(reference: try BatchReference(p.reference))
        case .createSupplier(let p):
            let supplier = try SupplierID(p.supplier)
            let name = try Text.checked(p.name, field: "name", maximum: CreateSupplier.maximumNameLength)
            return try CreateSupplier(
                supplier: supplier, name: name, currency: Currency(p.currency), paymentTermsDays: p.termsDays)
        case .createPurchaseOrder(let p):
            return try CreatePurchaseOrder(
                number: PurchaseOrderNumber(p.number), supplier: SupplierID(p.supplier),
                expectedDelivery: day(p.expectedDelivery, "expected_delivery"), requester: principal())
        case .addPurchaseOrderItem(let p):
            return try AddPurchaseOrderItem(
                number: PurchaseOrderNumber(p.number), sku: SKU(p.sku), quantity: p.quantity, unitPrice: p.unitPrice)
        case .removePurchaseOrderItem(let p):
            return RemovePurchaseOrderItem(number: try PurchaseOrderNumber(p.number), line: p.line)
        case .submitPurchaseOrder(let p):
            return SubmitPurchaseOrder(number: try PurchaseOrderNumber(p.number), by: try principal())
        case .approvePurchaseOrder(let p):
            return ApprovePurchaseOrder(number: try PurchaseOrderNumber(p.number), by: try principal())
        case .rejectPurchaseOrder(let p):
            let (number, reason) = (try PurchaseOrderNumber(p.number), try Text.checked(p.reason, field: "reason"))
            return try RejectPurchaseOrder(number: number, by: principal(), reason: reason)
        case .cancelPurchaseOrder(let p):
            let (number, reason) = (try PurchaseOrderNumber(p.number), try Text.checked(p.reason, field: "reason"))
            return try CancelPurchaseOrder(number: number, by: principal(), reason: reason)
        case .receiveGoods(let p):
            let (number, receivedOn) = (try PurchaseOrderNumber(p.number), try day(p.receivedOn, "received_on"))
            var lines: [ReceiptLine] = []
            for line in p.lines {
                lines.append(try ReceiptLine(line: line.line, quantity: line.quantity, closeShort: line.close))
            }
            return try ReceiveGoods(number: number, receivedOn: receivedOn, lines: lines)
        case .registerInvoice(let p):
            let (supplier, number) = (try SupplierID(p.supplier), try InvoiceNumber(p.number))
            let (order, invoiceDate) = (
                try PurchaseOrderNumber(p.purchaseOrder), try day(p.invoiceDate, "invoice_date")
            )
            let currency = try Currency(p.currency)
            var lines: [InvoiceLine] = []
            for line in p.lines {
                let (sku, quantity) = (try SKU(line.sku), try Quantity.orderLine(line.quantity))
                lines.append(
                    try InvoiceLine(
                        sku: sku, quantity: quantity,
                        unitPrice: Money(minorUnits: line.unitPrice, currency: currency, field: "unit_price")))
            }
            return try RegisterInvoice(
                supplier: supplier, number: number, purchaseOrder: order, invoiceDate: invoiceDate, lines: lines)
        case .approveInvoice(let p):
            let (supplier, number) = (try SupplierID(p.supplier), try InvoiceNumber(p.number))
            let overrideReason = try p.overrideReason.map { text throws(DomainError) in
                try Text.checked(text, field: "override_reason")
            }
            return try ApproveInvoice(
                supplier: supplier, number: number, by: principal(), overrideReason: overrideReason)
        case .rejectInvoice(let p):
            let (supplier, number) = (try SupplierID(p.supplier), try InvoiceNumber(p.number))
            let reason = try Text.checked(p.reason, field: "reason")
            return try RejectInvoice(supplier: supplier, number: number, by: principal(), reason: reason)
        case .schedulePayment(let p):
            return SchedulePayment(supplier: try SupplierID(p.supplier), number: try InvoiceNumber(p.number))
        case .recordPayment(let p):
            let (supplier, number) = (try SupplierID(p.supplier), try InvoiceNumber(p.number))
            let amount = try RecordPayment.checked(amount: p.amount)
            return try RecordPayment(
                supplier: supplier, number: number, amount: amount, currency: Currency(p.currency),
                paidOn: day(p.paidOn, "paid_on"), reference: p.reference)
        }
    }

    /// The wire form of a Domain command; throws for a command type Contracts does not know yet.
    /// A command's principal is not part of its payload: it travels as the request's `issued_by`.
    public init(_ command: any Command) throws(UnmappedDomainType) {
        switch command {
        case let c as CreateBatch:
            self = .createBatch(
                CreateBatchPayload(
                    reference: c.reference.rawValue, sku: c.sku.rawValue, quantity: c.quantity,
                    eta: c.eta?.description))
        case let c as Allocate:
            self = .allocate(
                AllocatePayload(orderID: c.line.orderID.rawValue, sku: c.line.sku.rawValue, quantity: c.line.quantity))
        case let c as Deallocate:
            self = .deallocate(DeallocatePayload(orderID: c.orderID.rawValue, sku: c.sku.rawValue))
        case let c as ChangeBatchQuantity:
            self = .changeBatchQuantity(
                ChangeBatchQuantityPayload(reference: c.reference.rawValue, quantity: c.quantity))
        case let c as RecordBatchArrival:
            self = .recordBatchArrival(RecordBatchArrivalPayload(reference: c.reference.rawValue))
        case let c as CreateSupplier:
            self = .createSupplier(
                CreateSupplierPayload(
                    supplier: c.supplier.rawValue, name: c.name, currency: c.currency.code,
                    termsDays: c.paymentTermsDays))
        case let c as CreatePurchaseOrder:
            self = .createPurchaseOrder(
                CreatePurchaseOrderPayload(
                    number: c.number.rawValue, supplier: c.supplier.rawValue,
                    expectedDelivery: c.expectedDelivery.description))
        case let c as AddPurchaseOrderItem:
            self = .addPurchaseOrderItem(
                AddPurchaseOrderItemPayload(
                    number: c.number.rawValue, sku: c.sku.rawValue, quantity: c.quantity, unitPrice: c.unitPrice))
        case let c as RemovePurchaseOrderItem:
            self = .removePurchaseOrderItem(RemovePurchaseOrderItemPayload(number: c.number.rawValue, line: c.line))
        case let c as SubmitPurchaseOrder:
            self = .submitPurchaseOrder(SubmitPurchaseOrderPayload(number: c.number.rawValue))
        case let c as ApprovePurchaseOrder:
            self = .approvePurchaseOrder(ApprovePurchaseOrderPayload(number: c.number.rawValue))
        case let c as RejectPurchaseOrder:
            self = .rejectPurchaseOrder(RejectPurchaseOrderPayload(number: c.number.rawValue, reason: c.reason))
        case let c as CancelPurchaseOrder:
            self = .cancelPurchaseOrder(CancelPurchaseOrderPayload(number: c.number.rawValue, reason: c.reason))
        case let c as ReceiveGoods:
            self = .receiveGoods(
                ReceiveGoodsPayload(
                    number: c.number.rawValue, receivedOn: c.receivedOn.description,
                    lines: c.lines.map {
                        ReceiptLinePayload(line: $0.line, quantity: $0.quantity, close: $0.closeShort)
                    }))
        case let c as RegisterInvoice:
            self = .registerInvoice(
                RegisterInvoicePayload(
                    supplier: c.supplier.rawValue, number: c.number.rawValue, purchaseOrder: c.purchaseOrder.rawValue,
                    invoiceDate: c.invoiceDate.description, currency: c.lines.first?.unitPrice.currency.code ?? "",
                    lines: c.lines.map(InvoiceLinePayload.init)))
        case let c as ApproveInvoice:
            self = .approveInvoice(
                ApproveInvoicePayload(
                    supplier: c.supplier.rawValue, number: c.number.rawValue, overrideReason: c.overrideReason))
        case let c as RejectInvoice:
            self = .rejectInvoice(
                RejectInvoicePayload(supplier: c.supplier.rawValue, number: c.number.rawValue, reason: c.reason))
        case let c as SchedulePayment:
            self = .schedulePayment(SchedulePaymentPayload(supplier: c.supplier.rawValue, number: c.number.rawValue))
        case let c as RecordPayment:
            self = .recordPayment(
                RecordPaymentPayload(
                    supplier: c.supplier.rawValue, number: c.number.rawValue, amount: c.amount,
                    currency: c.currency.code, paidOn: c.paidOn.description, reference: c.reference))
        default:
            throw UnmappedDomainType(command)
        }
    }
}

extension InvoiceLinePayload {
    init(_ line: InvoiceLine) {
        self.init(sku: line.sku.rawValue, quantity: line.quantity, unitPrice: line.unitPrice.minorUnits)
    }
}
