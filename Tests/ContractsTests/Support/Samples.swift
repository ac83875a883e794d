import Contracts
import Domain
import Foundation

// The values the golden fixtures hold, built independently of the codec.

func sku(_ raw: String) -> SKU { try! SKU(raw) }
func order(_ raw: String) -> OrderID { try! OrderID(raw) }
func ref(_ raw: String) -> BatchReference { try! BatchReference(raw) }
func day(_ text: String) -> Day { try! Day(iso8601: text) }
func line(_ orderID: String, _ sku: String, _ quantity: Int) -> OrderLine {
    try! OrderLine(orderID: order(orderID), sku: SKU(sku), quantity: quantity)
}

func commandID(_ n: Int) -> String { "0b6f1a52-8c1e-4d47-9a57-3c1d2f1e00" + (n < 10 ? "0\(n)" : "\(n)") }
func eventID(_ n: Int) -> UUID { UUID(uuidString: "7D3F5E8A-1B2C-4D5E-8F90-A1B2C3D4E50\(n)")! }

/// 2026-11-26T01:02:03.456Z and friends, as seconds since 1970 (computed outside Swift).
let instant1 = Date(timeIntervalSince1970: 1_795_654_923.456)
let instant2 = Date(timeIntervalSince1970: 1_795_654_924.0)
let instant3 = Date(timeIntervalSince1970: 1_795_654_925.789)

/// Compares two Domain commands (which are Hashable, though `Command` does not say so).
func same(_ lhs: any Command, _ rhs: any Command) -> Bool {
    guard let lhs = lhs as? AnyHashable, let rhs = rhs as? AnyHashable else { return false }
    return lhs == rhs
}

struct CommandSample: Sendable, CustomStringConvertible {
    let fixture: String
    let request: CommandRequest
    let command: any Command
    var description: String { fixture }
}

let commandSamples: [CommandSample] =
    [
        CommandSample(
            fixture: "commands/create_batch.json",
            request: CommandRequest(
                commandID: commandID(1),
                payload: .createBatch(
                    CreateBatchPayload(reference: "batch-001", sku: "SMALL-TABLE", quantity: 20, eta: "2026-12-01"))),
            command: try! CreateBatch(
                reference: ref("batch-001"), sku: sku("SMALL-TABLE"), quantity: 20, eta: day("2026-12-01"))),
        CommandSample(
            fixture: "commands/create_batch_in_stock.json",
            request: CommandRequest(
                commandID: commandID(2),
                payload: .createBatch(CreateBatchPayload(reference: "batch-002", sku: "SMALL-TABLE", quantity: 100))),
            command: try! CreateBatch(reference: ref("batch-002"), sku: sku("SMALL-TABLE"), quantity: 100)),
        CommandSample(
            fixture: "commands/allocate.json",
            request: CommandRequest(
                commandID: commandID(3),
                payload: .allocate(AllocatePayload(orderID: "order-123", sku: "SMALL-TABLE", quantity: 2))),
            command: try! Allocate(orderID: order("order-123"), sku: sku("SMALL-TABLE"), quantity: 2)),
        CommandSample(
            fixture: "commands/deallocate.json",
            request: CommandRequest(
                commandID: commandID(4),
                payload: .deallocate(DeallocatePayload(orderID: "order-123", sku: "SMALL-TABLE"))),
            command: Deallocate(orderID: order("order-123"), sku: sku("SMALL-TABLE"))),
        CommandSample(
            fixture: "commands/change_batch_quantity.json",
            request: CommandRequest(
                commandID: commandID(5),
                payload: .changeBatchQuantity(ChangeBatchQuantityPayload(reference: "batch-001", quantity: 5))),
            command: try! ChangeBatchQuantity(reference: ref("batch-001"), quantity: 5)),
    ] + procurementCommandSamples

struct ReplySample: Sendable, CustomStringConvertible {
    let fixture: String
    let reply: CommandReply
    var description: String { fixture }
}

let replySamples: [ReplySample] = [
    ReplySample(
        fixture: "replies/ok_batch_created.json",
        reply: .ok(commandID: commandID(1), result: .batchCreated, position: 1)),
    ReplySample(
        fixture: "replies/ok_allocated.json",
        reply: .ok(commandID: commandID(3), result: .allocated(to: "batch-002"), position: 3)),
    ReplySample(
        fixture: "replies/ok_allocated_unchanged.json",
        reply: .ok(commandID: commandID(6), result: .allocated(to: "batch-002"), position: nil)),
    ReplySample(
        fixture: "replies/ok_out_of_stock.json", reply: .ok(commandID: commandID(7), result: .outOfStock, position: 4)),
    ReplySample(
        fixture: "replies/ok_deallocated.json", reply: .ok(commandID: commandID(4), result: .deallocated, position: 5)),
    ReplySample(
        fixture: "replies/ok_quantity_changed.json",
        reply: .ok(commandID: commandID(5), result: .quantityChanged, position: 6)),
    // Procurement's results carry a field of their own, written only with its outcome.
    ReplySample(
        fixture: "replies/ok_item_added.json",
        reply: .ok(commandID: commandID(11), result: CommandResult(outcome: .itemAdded, line: 2), position: 12)),
    ReplySample(
        fixture: "replies/ok_invoice_registered.json",
        reply: .ok(
            commandID: commandID(12), result: CommandResult(outcome: .invoiceRegistered, match: "mismatched"),
            position: 13)),
    ReplySample(
        fixture: "replies/rejected_invalid_sku.json",
        reply: .failure(commandID: commandID(8), error: WireError(DomainError.unknownSKU(sku("NONEXISTENT-SKU"))))),
    ReplySample(
        fixture: "replies/error_invalid_quantity.json",
        reply: .failure(
            commandID: commandID(9),
            error: WireError(DomainError.invalidQuantity("qty", -1, "must be between 1 and 1000000000")))),
    ReplySample(
        fixture: "replies/error_bad_json.json",
        reply: .failure(commandID: nil, error: .badJSON("the frame is not valid JSON"))),
    ReplySample(
        fixture: "replies/error_unavailable.json", reply: .failure(commandID: commandID(10), error: .unavailable())),
]

struct EventSample: Sendable, CustomStringConvertible {
    let fixture: String
    let envelope: EventEnvelope
    let event: any Event
    var description: String { fixture }
}

private func makeEnvelope(_ n: Int, version: Int, at instant: Date, command: Int, _ event: any Event)
    -> EventEnvelope
{
    try! EventEnvelope(
        position: n, eventID: eventID(n), occurredAt: instant, aggregateVersion: version, commandID: commandID(command),
        event: event)
}

let batch1Created = BatchCreated(
    reference: ref("batch-001"), sku: sku("SMALL-TABLE"), quantity: 20, eta: day("2026-12-01"))
let batch2Created = BatchCreated(reference: ref("batch-002"), sku: sku("SMALL-TABLE"), quantity: 100, eta: nil)

let eventSamples: [EventSample] =
    [
        EventSample(
            fixture: "events/batch_created.json",
            envelope: makeEnvelope(1, version: 1, at: instant1, command: 1, batch1Created),
            event: batch1Created),
        EventSample(
            fixture: "events/allocated.json",
            envelope: makeEnvelope(
                3, version: 3, at: instant2, command: 3,
                Allocated(line: line("order-123", "SMALL-TABLE", 2), batchReference: ref("batch-002"))),
            event: Allocated(line: line("order-123", "SMALL-TABLE", 2), batchReference: ref("batch-002"))),
        EventSample(
            fixture: "events/out_of_stock.json",
            envelope: makeEnvelope(
                4, version: 4, at: instant3, command: 7,
                OutOfStock(sku: sku("SMALL-TABLE"), orderID: order("order-456"), quantity: 1000)),
            event: OutOfStock(sku: sku("SMALL-TABLE"), orderID: order("order-456"), quantity: 1000)),
        EventSample(
            fixture: "events/deallocated.json",
            envelope: makeEnvelope(
                5, version: 5, at: instant3, command: 4,
                Deallocated(
                    line: line("order-123", "SMALL-TABLE", 2), batchReference: ref("batch-002"), reason: .requested)
            ),
            event: Deallocated(
                line: line("order-123", "SMALL-TABLE", 2), batchReference: ref("batch-002"), reason: .requested)),
        EventSample(
            fixture: "events/batch_quantity_changed.json",
            envelope: makeEnvelope(
                6, version: 6, at: instant3, command: 5,
                BatchQuantityChanged(reference: ref("batch-001"), sku: sku("SMALL-TABLE"), quantity: 5)),
            event: BatchQuantityChanged(reference: ref("batch-001"), sku: sku("SMALL-TABLE"), quantity: 5)),
    ] + procurementEventSamples

/// Domain events with no fixture of their own, for round trips.
let extraEvents: [any ProductEvent] = [
    batch2Created,
    Deallocated(
        line: line("order-9", "SMALL-TABLE", 7), batchReference: ref("batch-001"), reason: .batchQuantityReduced),
]

let replayResponseSample = ReplayResponse(
    events: [
        eventSamples[0].envelope,
        makeEnvelope(2, version: 2, at: instant2, command: 2, batch2Created),
    ],
    head: 6)
