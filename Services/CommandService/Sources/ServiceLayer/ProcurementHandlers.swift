import Domain

/// Procurement's use cases: load, ask the aggregate, save. Like allocation's handlers they never
/// commit; the message bus commits a command and everything it caused at once.
public enum ProcurementHandlers {
    /// - Parameter match: how invoices are matched (the price tolerance is configuration).
    public static func register(in handlers: inout Handlers, match: ThreeWayMatch = ThreeWayMatch()) {
        handlers.on(CreateSupplier.self, createSupplier)
        handlers.on(CreatePurchaseOrder.self, createPurchaseOrder)
        handlers.on(AddPurchaseOrderItem.self, addItem)
        handlers.on(RemovePurchaseOrderItem.self) { command, uow in
            try await changeOrder(command.number, uow) { order throws(ProcurementError) in
                try order.removeItem(line: command.line)
            }
            return .itemRemoved
        }
        handlers.on(SubmitPurchaseOrder.self) { command, uow in
            try await changeOrder(command.number, uow) { order throws(ProcurementError) in
                try order.submit(by: command.by)
            }
            return .purchaseOrderSubmitted
        }
        handlers.on(ApprovePurchaseOrder.self) { command, uow in
            try await changeOrder(command.number, uow) { order throws(ProcurementError) in
                try order.approve(by: command.by)
            }
            return .purchaseOrderApproved
        }
        handlers.on(RejectPurchaseOrder.self) { command, uow in
            try await changeOrder(command.number, uow) { order throws(ProcurementError) in
                try order.reject(by: command.by, reason: command.reason)
            }
            return .purchaseOrderRejected
        }
        handlers.on(CancelPurchaseOrder.self) { command, uow in
            try await changeOrder(command.number, uow) { order throws(ProcurementError) in
                try order.cancel(by: command.by, reason: command.reason)
            }
            return .purchaseOrderCancelled
        }
        handlers.on(ReceiveGoods.self) { command, uow in
            try await changeOrder(command.number, uow) { order throws(ProcurementError) in
                try order.receive(command.lines, on: command.receivedOn)
            }
            return .goodsReceived
        }
        handlers.on(RegisterInvoice.self) { command, uow in try await registerInvoice(command, uow, match) }
        handlers.on(ApproveInvoice.self) { command, uow in try await approveInvoice(command, uow, match) }
        handlers.on(RejectInvoice.self) { command, uow in
            try await changeInvoice(command.supplier, command.number, uow) { invoice throws(ProcurementError) in
                try invoice.reject(by: command.by, reason: command.reason)
            }
            return .invoiceRejected
        }
        handlers.on(SchedulePayment.self) { command, uow in
            try await changeInvoice(command.supplier, command.number, uow) { invoice throws(ProcurementError) in
                try invoice.schedulePayment()
            }
            return .paymentScheduled
        }
        handlers.on(RecordPayment.self, recordPayment)
        // Re-matching, in the same transaction as its cause: more goods arrived, or an approved
        // invoice billed goods another invoice was counting on.
        handlers.on(GoodsReceived.self) { event, uow in try await rematchInvoices(of: event.number, uow, match) }
        handlers.on(InvoiceApproved.self) { event, uow in try await rematchInvoices(of: event.purchaseOrder, uow, match)
        }
    }

    @Sendable static func createSupplier(_ command: CreateSupplier, _ uow: any UnitOfWork) async throws
        -> CommandOutcome
    {
        if try await uow.suppliers.get(command.supplier) != nil {
            throw ProcurementError.duplicateSupplier(command.supplier)
        }
        try await uow.suppliers.add(Supplier.create(command))
        return .supplierCreated
    }

    @Sendable static func createPurchaseOrder(_ command: CreatePurchaseOrder, _ uow: any UnitOfWork) async throws
        -> CommandOutcome
    {
        guard let supplier = try await uow.suppliers.get(command.supplier) else {
            throw ProcurementError.unknownSupplier(command.supplier)
        }
        if try await uow.purchaseOrders.get(command.number) != nil {
            throw ProcurementError.duplicatePurchaseOrder(command.number)
        }
        try await uow.purchaseOrders.add(PurchaseOrder.create(command, supplier: supplier))
        return .purchaseOrderCreated
    }

    @Sendable static func addItem(_ command: AddPurchaseOrderItem, _ uow: any UnitOfWork) async throws
        -> CommandOutcome
    {
        var line = 0
        try await changeOrder(command.number, uow) { order throws(ProcurementError) in
            let price: Money
            do {
                price = try Money(minorUnits: command.unitPrice, currency: order.currency, field: "unit_price")
            } catch {
                throw .amountOutOfRange
            }
            line = try order.addItem(sku: command.sku, quantity: command.quantity, unitPrice: price)
        }
        return .itemAdded(line: line)
    }

    @Sendable static func registerInvoice(_ command: RegisterInvoice, _ uow: any UnitOfWork, _ match: ThreeWayMatch)
        async throws -> CommandOutcome
    {
        if try await uow.invoices.get(command.supplier, command.number) != nil {
            throw ProcurementError.duplicateInvoice(command.supplier, command.number)
        }
        guard let order = try await uow.purchaseOrders.get(command.purchaseOrder) else {
            throw ProcurementError.unknownPurchaseOrder(command.purchaseOrder)
        }
        let invoice = try Invoice.register(command, against: order, match: match)
        try await uow.invoices.add(invoice)
        return .invoiceRegistered(matched: invoice.status == .matched)
    }

    /// Matches the invoice again on the order as it is now, approves it, and notes the goods it bills
    /// on the order, so no other invoice is approved for them.
    @Sendable static func approveInvoice(_ command: ApproveInvoice, _ uow: any UnitOfWork, _ match: ThreeWayMatch)
        async throws -> CommandOutcome
    {
        guard var invoice = try await uow.invoices.get(command.supplier, command.number) else {
            throw ProcurementError.unknownInvoice(command.supplier, command.number)
        }
        guard var order = try await uow.purchaseOrders.get(invoice.purchaseOrder) else {
            throw ProcurementError.unknownPurchaseOrder(invoice.purchaseOrder)
        }
        guard let supplier = try await uow.suppliers.get(invoice.supplier) else {
            throw ProcurementError.unknownSupplier(invoice.supplier)
        }
        invoice.rematch(against: order, using: match)
        try invoice.approve(
            by: command.by, overrideReason: command.overrideReason, paymentTermsDays: supplier.paymentTermsDays)
        order.recordInvoiced(invoice.lines)
        try await uow.invoices.save(invoice)
        try await uow.purchaseOrders.save(order)
        return .invoiceApproved
    }

    @Sendable static func recordPayment(_ command: RecordPayment, _ uow: any UnitOfWork) async throws
        -> CommandOutcome
    {
        try await changeInvoice(command.supplier, command.number, uow) { invoice throws(ProcurementError) in
            let amount: Money
            do {
                amount = try Money(minorUnits: command.amount, currency: command.currency)
            } catch {
                throw .amountOutOfRange
            }
            try invoice.recordPayment(amount, on: command.paidOn, reference: command.reference)
        }
        return .paymentRecorded
    }

    static func rematchInvoices(of number: PurchaseOrderNumber, _ uow: any UnitOfWork, _ match: ThreeWayMatch)
        async throws
    {
        guard let order = try await uow.purchaseOrders.get(number) else { return }
        for var invoice in try await uow.invoices.awaitingApproval(of: number) {
            let before = invoice.version
            invoice.rematch(against: order, using: match)
            if invoice.version != before { try await uow.invoices.save(invoice) }
        }
    }

    private static func changeOrder(
        _ number: PurchaseOrderNumber, _ uow: any UnitOfWork,
        _ change: (inout PurchaseOrder) throws(ProcurementError) -> Void
    ) async throws {
        guard var order = try await uow.purchaseOrders.get(number) else {
            throw ProcurementError.unknownPurchaseOrder(number)
        }
        try change(&order)
        try await uow.purchaseOrders.save(order)
    }

    private static func changeInvoice(
        _ supplier: SupplierID, _ number: InvoiceNumber, _ uow: any UnitOfWork,
        _ change: (inout Invoice) throws(ProcurementError) -> Void
    ) async throws {
        guard var invoice = try await uow.invoices.get(supplier, number) else {
            throw ProcurementError.unknownInvoice(supplier, number)
        }
        try change(&invoice)
        try await uow.invoices.save(invoice)
    }
}
