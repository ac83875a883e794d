import Contracts
import Foundation
import TestSupport
import Testing

/// The policies' exactly-once promise on the real processes: a `cosmic-command` killed (SIGKILL)
/// between an order's approval and its batches, or in the middle of creating them, and two instances
/// reacting to the same log, end with exactly one batch per item.
@Suite struct PolicyProcessTests {
    /// ACME, and order `po` with `items` lines (SKU `<po>-SKU-<n>`, 5 units each), approved.
    static func approveOrder(_ po: String, items: Int, through client: Dealer, supplier: Bool = true) async throws {
        var requests: [String] = []
        if supplier {
            requests.append(
                #"{"command_id": "sup", "type": "CreateSupplier", "payload": {"supplier": "ACME", "name": "Acme", "currency": "EUR", "terms_days": 30}}"#
            )
        }
        requests.append(
            #"{"command_id": "create-\#(po)", "type": "CreatePurchaseOrder", "issued_by": "alice", "payload": {"po": "\#(po)", "supplier": "ACME", "expected_delivery": "2027-01-15"}}"#
        )
        for n in 1...items {
            requests.append(
                #"{"command_id": "add-\#(po)-\#(n)", "type": "AddPurchaseOrderItem", "payload": {"po": "\#(po)", "sku": "\#(po)-SKU-\#(n)", "qty": 5, "unit_price": 100}}"#
            )
        }
        requests.append(
            #"{"command_id": "submit-\#(po)", "type": "SubmitPurchaseOrder", "issued_by": "alice", "payload": {"po": "\#(po)"}}"#
        )
        requests.append(
            #"{"command_id": "approve-\#(po)", "type": "ApprovePurchaseOrder", "issued_by": "bob", "payload": {"po": "\#(po)"}}"#
        )
        for request in requests {
            let reply = try await client.commandWhenServing(request)
            guard reply.status == .ok else { throw ProcessTestError("\(request): \(reply)") }
        }
    }

    /// The references of every `BatchCreated` in the log, read from the replay socket.
    static func createdBatches(_ process: CommandProcess) async throws -> [String] {
        let client = try Dealer(process.replayEndpoint)
        var references: [String] = []
        var from = 1
        while true {
            let frames = try await client.exchange([Array(#"{"from": \#(from), "limit": 1000}"#.utf8)])
            guard case .events(let page) = try ReplayCodec.decodeReply(frames[0]).get() else {
                throw ProcessTestError("replay failed")
            }
            for event in page.events {
                if case .batchCreated(let created) = event.payload { references.append(created.reference) }
            }
            from += page.events.count
            if page.events.isEmpty || from > page.head { return references }
        }
    }

    @Test func aCrashBetweenApprovalAndItsBatchesLosesAndDoublesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let items = 200
            // The approval commits while no reactor runs; then the process dies.
            let first = try await CommandProcess.launch(databaseURL: url, arguments: ["--policies", "off"])
            try await Self.approveOrder("PO-1", items: items, through: Dealer(first.commandEndpoint))
            first.kill()
            // The next one starts on the batches and is killed once the first has appeared.
            let second = try await CommandProcess.launch(databaseURL: url)
            let before = try await eventually("the reactor starts on the order", interval: .milliseconds(5)) {
                let created = try await Self.createdBatches(second)
                return created.isEmpty ? nil : created.count
            }
            second.kill()
            // A third finishes the work; none of it happens twice.
            let third = try await CommandProcess.launch(databaseURL: url)
            let created = try await eventually("every item has its batch", timeout: .seconds(60)) {
                let created = try await Self.createdBatches(third)
                return created.count >= items ? created : nil
            }
            #expect(
                created.count == items, "\(created.count) batches for \(items) items (killed after \(before))")
            #expect(Set(created) == Set((1...items).map { "PO-1/\($0)" }))
        }
    }

    @Test func twoInstancesOnOneDatabaseReactOnceToEachEvent() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let one = try await CommandProcess.launch(databaseURL: url)
            let two = try await CommandProcess.launch(databaseURL: url)
            let orders = 6
            for n in 1...orders {
                let through = n % 2 == 0 ? one : two
                try await Self.approveOrder(
                    "PO-\(n)", items: 3, through: Dealer(through.commandEndpoint), supplier: n == 1)
            }
            // Every batch is there, and both reactors have gone past every event, their own included.
            _ = try await eventually("both reactors are done", timeout: .seconds(60)) { () async throws -> Bool? in
                let head = try await one.publishedHead()
                let positions = [
                    try await one.health()["policy_position"] as? Int ?? 0,
                    try await two.health()["policy_position"] as? Int ?? 0,
                ]
                let created = try await Self.createdBatches(one).count
                return created >= orders * 3 && positions.allSatisfy { $0 >= head } ? true : nil
            }
            let created = try await Self.createdBatches(one)
            #expect(created.count == orders * 3)
            #expect(Set(created).count == created.count)
        }
    }
}
