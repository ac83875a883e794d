// The `payload` of each event (one file each in Payloads/) as plain strings and integers. The read
// side builds projections from these alone and never imports the Domain, so these are the published
// facts, named as on the wire. Readers do not re-check the Domain's bounds: an event is a fact that
// already happened.

import Foundation

/// The type of one event's payload: its wire fields (``WirePayload``), the event type it is published
/// as, and the aggregate it belongs to.
public protocol EventPayloadProtocol: WirePayload {
    static var eventType: EventType { get }
    /// The aggregate the event belongs to (the product's SKU for allocation's events).
    var aggregateID: String { get }
}

/// One event's payload, tagged by its type: everything the read side can be told.
public enum EventPayload: Hashable, Sendable {
    case batchCreated(BatchCreatedPayload)
    case allocated(AllocatedPayload)
    case deallocated(DeallocatedPayload)
    case outOfStock(OutOfStockPayload)
    case batchQuantityChanged(BatchQuantityChangedPayload)
    // Procurement's payloads are boxed: an enum is as large as its largest inline case, and every
    // envelope on allocation's hot path (replay pages of 10,000) is copied at that size.
    indirect case supplierCreated(SupplierCreatedPayload)
    indirect case purchaseOrderCreated(PurchaseOrderCreatedPayload)
    indirect case purchaseOrderItemAdded(PurchaseOrderItemAddedPayload)
    indirect case purchaseOrderItemRemoved(PurchaseOrderItemRemovedPayload)
    indirect case purchaseOrderSubmitted(PurchaseOrderSubmittedPayload)
    indirect case purchaseOrderApproved(PurchaseOrderApprovedPayload)
    indirect case purchaseOrderRejected(PurchaseOrderRejectedPayload)
    indirect case purchaseOrderCancelled(PurchaseOrderCancelledPayload)
    indirect case goodsReceived(GoodsReceivedPayload)
    indirect case invoiceRegistered(InvoiceRegisteredPayload)
    indirect case invoiceRematched(InvoiceRematchedPayload)
    indirect case invoiceApproved(InvoiceApprovedPayload)
    indirect case invoiceRejected(InvoiceRejectedPayload)
    indirect case paymentScheduled(PaymentScheduledPayload)
    indirect case paymentMade(PaymentMadePayload)
    case batchArrived(BatchArrivedPayload)

    // MARK: Registry: a new event type is a case above and one line in each switch below.

    /// Hands the payload inside to `visitor` as its own type (code specialized per type, no boxing).
    func accept<V: EventPayloadVisitor>(_ visitor: inout V) -> V.Output {
        switch self {
        case .batchCreated(let p): visitor.visit(p)
        case .allocated(let p): visitor.visit(p)
        case .deallocated(let p): visitor.visit(p)
        case .outOfStock(let p): visitor.visit(p)
        case .batchQuantityChanged(let p): visitor.visit(p)
        case .supplierCreated(let p): visitor.visit(p)
        case .purchaseOrderCreated(let p): visitor.visit(p)
        case .purchaseOrderItemAdded(let p): visitor.visit(p)
        case .purchaseOrderItemRemoved(let p): visitor.visit(p)
        case .purchaseOrderSubmitted(let p): visitor.visit(p)
        case .purchaseOrderApproved(let p): visitor.visit(p)
        case .purchaseOrderRejected(let p): visitor.visit(p)
        case .purchaseOrderCancelled(let p): visitor.visit(p)
        case .goodsReceived(let p): visitor.visit(p)
        case .invoiceRegistered(let p): visitor.visit(p)
        case .invoiceRematched(let p): visitor.visit(p)
        case .invoiceApproved(let p): visitor.visit(p)
        case .invoiceRejected(let p): visitor.visit(p)
        case .paymentScheduled(let p): visitor.visit(p)
        case .paymentMade(let p): visitor.visit(p)
        case .batchArrived(let p): visitor.visit(p)
        }
    }

    /// Hands the payload type of `type` to `visitor`, with the case that wraps a value of it.
    static func accept<V: EventTypeVisitor>(_ type: EventType, _ visitor: inout V) -> V.Output {
        switch type {
        case .batchCreated: visitor.visit(BatchCreatedPayload.self, EventPayload.batchCreated)
        case .allocated: visitor.visit(AllocatedPayload.self, EventPayload.allocated)
        case .deallocated: visitor.visit(DeallocatedPayload.self, EventPayload.deallocated)
        case .outOfStock: visitor.visit(OutOfStockPayload.self, EventPayload.outOfStock)
        case .batchQuantityChanged: visitor.visit(BatchQuantityChangedPayload.self, EventPayload.batchQuantityChanged)
        case .supplierCreated: visitor.visit(SupplierCreatedPayload.self, EventPayload.supplierCreated)
        case .purchaseOrderCreated: visitor.visit(PurchaseOrderCreatedPayload.self, EventPayload.purchaseOrderCreated)
        case .purchaseOrderItemAdded:
            visitor.visit(PurchaseOrderItemAddedPayload.self, EventPayload.purchaseOrderItemAdded)
        case .purchaseOrderItemRemoved:
            visitor.visit(PurchaseOrderItemRemovedPayload.self, EventPayload.purchaseOrderItemRemoved)
        case .purchaseOrderSubmitted:
            visitor.visit(PurchaseOrderSubmittedPayload.self, EventPayload.purchaseOrderSubmitted)
        case .purchaseOrderApproved:
            visitor.visit(PurchaseOrderApprovedPayload.self, EventPayload.purchaseOrderApproved)
        case .purchaseOrderRejected:
            visitor.visit(PurchaseOrderRejectedPayload.self, EventPayload.purchaseOrderRejected)
        case .purchaseOrderCancelled:
            visitor.visit(PurchaseOrderCancelledPayload.self, EventPayload.purchaseOrderCancelled)
        case .goodsReceived: visitor.visit(GoodsReceivedPayload.self, EventPayload.goodsReceived)
        case .invoiceRegistered: visitor.visit(InvoiceRegisteredPayload.self, EventPayload.invoiceRegistered)
        case .invoiceRematched: visitor.visit(InvoiceRematchedPayload.self, EventPayload.invoiceRematched)
        case .invoiceApproved: visitor.visit(InvoiceApprovedPayload.self, EventPayload.invoiceApproved)
        case .invoiceRejected: visitor.visit(InvoiceRejectedPayload.self, EventPayload.invoiceRejected)
        case .paymentScheduled: visitor.visit(PaymentScheduledPayload.self, EventPayload.paymentScheduled)
        case .paymentMade: visitor.visit(PaymentMadePayload.self, EventPayload.paymentMade)
        case .batchArrived: visitor.visit(BatchArrivedPayload.self, EventPayload.batchArrived)
        }
    }

    // MARK: Everything else follows from the registry.

    public var type: EventType {
        struct TypeOf: EventPayloadVisitor {
            func visit<P: EventPayloadProtocol>(_: P) -> EventType { P.eventType }
        }
        var visitor = TypeOf()
        return accept(&visitor)
    }

    /// The aggregate the event belongs to: the product's SKU.
    public var aggregateID: String {
        struct AggregateOf: EventPayloadVisitor {
            func visit<P: EventPayloadProtocol>(_ payload: P) -> String { payload.aggregateID }
        }
        var visitor = AggregateOf()
        return accept(&visitor)
    }

    /// The payload object alone, canonical JSON; a writer may store it (with the type) until the
    /// event gets its position.
    public func jsonData() -> Data { WireFastWriter.payload(self) ?? WireJSON.encode(self) }

    /// Reads a payload object stored by ``jsonData()``.
    public init(type: EventType, json: some Collection<UInt8>) throws(WireError) {
        if let payload = WireFastReader.payload(type: type, json) {
            self = payload
            return
        }
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[StoredPayload.typeKey] = type
            self = try decoder.decode(StoredPayload.self, from: WireJSON.data(json)).payload
        } catch let error as WireError {
            throw error
        } catch let error as DecodingError {
            throw WireError(error)
        } catch {
            throw .internal("\(error)")
        }
    }

    /// Reads a payload of `type` the thorough way.
    init(type: EventType, from object: WireObject) throws(WireError) {
        struct Read: EventTypeVisitor {
            let object: WireObject
            func visit<P: EventPayloadProtocol>(
                _: P.Type, _ wrap: (P) -> EventPayload
            ) -> Swift.Result<EventPayload, WireError> {
                Swift.Result { () throws(WireError) in wrap(try P(object)) }
            }
        }
        var visitor = Read(object: object)
        self = try EventPayload.accept(type, &visitor).get()
    }

    /// Decodes a bare payload whose type travels beside it (in `userInfo`), not inside it.
    private struct StoredPayload: Decodable {
        static let typeKey = CodingUserInfoKey(rawValue: "cosmic.eventType")!
        let payload: EventPayload
        init(from decoder: any Decoder) throws {
            guard let type = decoder.userInfo[Self.typeKey] as? EventType else {
                throw WireError.internal("no event type given for a stored payload")
            }
            payload = try EventPayload(type: type, from: WireObject(decoder))
        }
    }
}

extension EventPayload: Encodable {
    /// Encodes the payload object alone; the envelope around it carries the type.
    public func encode(to encoder: any Encoder) throws {
        struct Encode: EventPayloadVisitor {
            let encoder: any Encoder
            func visit<P: EventPayloadProtocol>(_ payload: P) -> Swift.Result<Void, any Error> {
                Swift.Result { try payload.encode(to: encoder) }
            }
        }
        var visitor = Encode(encoder: encoder)
        try accept(&visitor).get()
    }
}

/// Something done to an ``EventPayload``'s payload, whatever its type.
protocol EventPayloadVisitor {
    associatedtype Output
    mutating func visit<P: EventPayloadProtocol>(_ payload: P) -> Output
}

/// Something done with the payload type of an ``EventType``.
protocol EventTypeVisitor {
    associatedtype Output
    mutating func visit<P: EventPayloadProtocol>(_ type: P.Type, _ wrap: (P) -> EventPayload) -> Output
}
