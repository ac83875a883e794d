// The `payload` of each command request (one file each in Payloads/), as plain strings and integers
// named as on the wire. Plain so a client can send exactly what a user typed (the service validates);
// `command()` on `CommandPayload` turns them into validated Domain commands.

/// The type of one command's payload: its wire fields (``WirePayload``) and the command type it is
/// sent as.
public protocol CommandPayloadProtocol: WirePayload {
    static var commandType: CommandType { get }
}

/// One command's payload, tagged by its type: the sum of everything a client may ask.
public enum CommandPayload: Hashable, Sendable {
    case createBatch(CreateBatchPayload)
    case allocate(AllocatePayload)
    case deallocate(DeallocatePayload)
    case changeBatchQuantity(ChangeBatchQuantityPayload)
    case createSupplier(CreateSupplierPayload)
    case createPurchaseOrder(CreatePurchaseOrderPayload)
    case addPurchaseOrderItem(AddPurchaseOrderItemPayload)
    case removePurchaseOrderItem(RemovePurchaseOrderItemPayload)
    case submitPurchaseOrder(SubmitPurchaseOrderPayload)
    case approvePurchaseOrder(ApprovePurchaseOrderPayload)
    case rejectPurchaseOrder(RejectPurchaseOrderPayload)
    case cancelPurchaseOrder(CancelPurchaseOrderPayload)
    case receiveGoods(ReceiveGoodsPayload)
    case registerInvoice(RegisterInvoicePayload)
    case approveInvoice(ApproveInvoicePayload)
    case rejectInvoice(RejectInvoicePayload)
    case schedulePayment(SchedulePaymentPayload)
    case recordPayment(RecordPaymentPayload)
    case recordBatchArrival(RecordBatchArrivalPayload)

    // MARK: Registry: a new command type is a case above and one line in each switch below.

    /// Hands the payload inside to `visitor` as its own type (code specialized per type, no boxing).
    func accept<V: CommandPayloadVisitor>(_ visitor: inout V) -> V.Output {
        switch self {
        case .createBatch(let p): visitor.visit(p)
        case .allocate(let p): visitor.visit(p)
        case .deallocate(let p): visitor.visit(p)
        case .changeBatchQuantity(let p): visitor.visit(p)
        case .createSupplier(let p): visitor.visit(p)
        case .createPurchaseOrder(let p): visitor.visit(p)
        case .addPurchaseOrderItem(let p): visitor.visit(p)
        case .removePurchaseOrderItem(let p): visitor.visit(p)
        case .submitPurchaseOrder(let p): visitor.visit(p)
        case .approvePurchaseOrder(let p): visitor.visit(p)
        case .rejectPurchaseOrder(let p): visitor.visit(p)
        case .cancelPurchaseOrder(let p): visitor.visit(p)
        case .receiveGoods(let p): visitor.visit(p)
        case .registerInvoice(let p): visitor.visit(p)
        case .approveInvoice(let p): visitor.visit(p)
        case .rejectInvoice(let p): visitor.visit(p)
        case .schedulePayment(let p): visitor.visit(p)
        case .recordPayment(let p): visitor.visit(p)
        case .recordBatchArrival(let p): visitor.visit(p)
        }
    }

    /// Hands the payload type of `type` to `visitor`, with the case that wraps a value of it.
    static func accept<V: CommandTypeVisitor>(_ type: CommandType, _ visitor: inout V) -> V.Output {
        switch type {
        case .createBatch: visitor.visit(CreateBatchPayload.self, CommandPayload.createBatch)
        case .allocate: visitor.visit(AllocatePayload.self, CommandPayload.allocate)
        case .deallocate: visitor.visit(DeallocatePayload.self, CommandPayload.deallocate)
        case .changeBatchQuantity: visitor.visit(ChangeBatchQuantityPayload.self, CommandPayload.changeBatchQuantity)
        case .createSupplier: visitor.visit(CreateSupplierPayload.self, CommandPayload.createSupplier)
        case .createPurchaseOrder: visitor.visit(CreatePurchaseOrderPayload.self, CommandPayload.createPurchaseOrder)
        case .addPurchaseOrderItem: visitor.visit(AddPurchaseOrderItemPayload.self, CommandPayload.addPurchaseOrderItem)
        case .removePurchaseOrderItem:
            visitor.visit(RemovePurchaseOrderItemPayload.self, CommandPayload.removePurchaseOrderItem)
        case .submitPurchaseOrder: visitor.visit(SubmitPurchaseOrderPayload.self, CommandPayload.submitPurchaseOrder)
        case .approvePurchaseOrder: visitor.visit(ApprovePurchaseOrderPayload.self, CommandPayload.approvePurchaseOrder)
        case .rejectPurchaseOrder: visitor.visit(RejectPurchaseOrderPayload.self, CommandPayload.rejectPurchaseOrder)
        case .cancelPurchaseOrder: visitor.visit(CancelPurchaseOrderPayload.self, CommandPayload.cancelPurchaseOrder)
        case .receiveGoods: visitor.visit(ReceiveGoodsPayload.self, CommandPayload.receiveGoods)
        case .registerInvoice: visitor.visit(RegisterInvoicePayload.self, CommandPayload.registerInvoice)
        case .approveInvoice: visitor.visit(ApproveInvoicePayload.self, CommandPayload.approveInvoice)
        case .rejectInvoice: visitor.visit(RejectInvoicePayload.self, CommandPayload.rejectInvoice)
        case .schedulePayment: visitor.visit(SchedulePaymentPayload.self, CommandPayload.schedulePayment)
        case .recordPayment: visitor.visit(RecordPaymentPayload.self, CommandPayload.recordPayment)
        case .recordBatchArrival: visitor.visit(RecordBatchArrivalPayload.self, CommandPayload.recordBatchArrival)
        }
    }

    // MARK: Everything else follows from the registry.

    public var type: CommandType {
        struct TypeOf: CommandPayloadVisitor {
            func visit<P: CommandPayloadProtocol>(_: P) -> CommandType { P.commandType }
        }
        var visitor = TypeOf()
        return accept(&visitor)
    }

    /// Reads a payload of `type` the thorough way.
    init(type: CommandType, from object: WireObject) throws(WireError) {
        struct Read: CommandTypeVisitor {
            let object: WireObject
            func visit<P: CommandPayloadProtocol>(
                _: P.Type, _ wrap: (P) -> CommandPayload
            ) -> Swift.Result<CommandPayload, WireError> {
                Swift.Result { () throws(WireError) in wrap(try P(object)) }
            }
        }
        var visitor = Read(object: object)
        self = try CommandPayload.accept(type, &visitor).get()
    }
}

extension CommandPayload: Encodable {
    /// Encodes the payload object alone; the request around it carries the type.
    public func encode(to encoder: any Encoder) throws {
        struct Encode: CommandPayloadVisitor {
            let encoder: any Encoder
            func visit<P: CommandPayloadProtocol>(_ payload: P) -> Swift.Result<Void, any Error> {
                Swift.Result { try payload.encode(to: encoder) }
            }
        }
        var visitor = Encode(encoder: encoder)
        try accept(&visitor).get()
    }
}

/// Something done to a ``CommandPayload``'s payload, whatever its type.
protocol CommandPayloadVisitor {
    associatedtype Output
    mutating func visit<P: CommandPayloadProtocol>(_ payload: P) -> Output
}

/// Something done with the payload type of a ``CommandType``.
protocol CommandTypeVisitor {
    associatedtype Output
    mutating func visit<P: CommandPayloadProtocol>(_ type: P.Type, _ wrap: (P) -> CommandPayload) -> Output
}
