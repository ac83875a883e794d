import Contracts
import Domain

/// The policies between aggregates and contexts: which commands an event calls for.
///
/// The book runs these in memory after commit, where a crash between the commit and the handler
/// loses the reaction. Here they are pure functions of a published event, run by `PolicyReactor`
/// from the event log; each reaction's command id derives from the event's id, so however often an
/// event is reacted to (a restart, two instances), each command takes effect once.
public enum Policies {
    /// One command a policy calls for, with the id it must be sent with, and what it changes (`key`):
    /// reactions with the same key must run in log order, others may run side by side.
    public struct Reaction: Sendable {
        public let commandID: String
        public let command: any Command
        public let key: String
    }

    /// The event types `reactions(to:)` answers for: the reactor reads only these from the log.
    public static let triggers: [EventType] = [
        .purchaseOrderApproved, .goodsReceived, .purchaseOrderCancelled, .invoiceApproved,
    ]

    /// The reactions to `event`, in the order to send them; none for most events (and for every
    /// type not in `triggers`).
    public static func reactions(to event: EventEnvelope) -> [Reaction] {
        var reactions: [Reaction] = []
        func react(
            _ policy: String, _ key: String, on target: String, _ make: () throws(DomainError) -> any Command
        ) {
            // A command the model refuses to build (a reference grown past its bound) is left out:
            // sending it would be refused the same way every time.
            guard let command = try? make() else { return }
            reactions.append(
                Reaction(
                    commandID: "policy:\(policy):\(event.eventID.uuidString.lowercased()):\(key)", command: command,
                    key: target))
        }
        switch event.payload {
        case .purchaseOrderApproved(let approved):
            // Stock on order: one incoming batch per item, due on the expected delivery.
            for item in approved.items {
                react("stock-on-order", "\(item.line)", on: "\(approved.number)/\(item.line)") {
                    () throws(DomainError) in
                    try CreateBatch(
                        reference: batchReference(approved.number, item.line), sku: SKU(item.sku),
                        quantity: item.quantity, eta: Day(iso8601: approved.expectedDelivery))
                }
            }
        case .goodsReceived(let received):
            // A line with nothing more to come: its batch shrinks to what arrived (the book's
            // change-quantity flow reallocates what no longer fits) and becomes warehouse stock.
            for line in received.lines where line.complete {
                if line.received < line.ordered {
                    react("receipt", "\(line.line):quantity", on: "\(received.number)/\(line.line)") {
                        () throws(DomainError) in
                        try ChangeBatchQuantity(
                            reference: batchReference(received.number, line.line), quantity: line.received)
                    }
                }
                react("receipt", "\(line.line):arrival", on: "\(received.number)/\(line.line)") {
                    () throws(DomainError) in
                    RecordBatchArrival(reference: try batchReference(received.number, line.line))
                }
            }
        case .purchaseOrderCancelled(let cancelled):
            // What was on order will not come: its batches drop to nothing, and the lines they
            // held are allocated elsewhere.
            for item in cancelled.items {
                react("cancellation", "\(item.line)", on: "\(cancelled.number)/\(item.line)") {
                    () throws(DomainError) in
                    try ChangeBatchQuantity(reference: batchReference(cancelled.number, item.line), quantity: 0)
                }
            }
        case .invoiceApproved(let approved):
            react("payment", "schedule", on: "invoice:\(approved.supplier)/\(approved.number)") {
                () throws(DomainError) in
                SchedulePayment(supplier: try SupplierID(approved.supplier), number: try InvoiceNumber(approved.number))
            }
        default:
            break
        }
        return reactions
    }

    /// The batch of an order line: `<order number>/<line>`.
    public static func batchReference(_ order: String, _ line: Int) throws(DomainError) -> BatchReference {
        try BatchReference("\(order)/\(line)")
    }
}
