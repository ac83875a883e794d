import Contracts
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// `scripts/bench/seed-p2p` writes the purchase-to-pay log the read side's benchmarks run on. Its rows
/// must be exactly what the command service would have stored, or the benchmarks would measure the
/// slow path of a format the service never writes.
@Suite struct SeededP2PLogTests {
    static let orders = 40

    @Test func seededProcurementEventsReadLikeTheServicesOwn() async throws {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(url) { _ in }  // migrates
            let script = Executables.packageRoot.appendingPathComponent("scripts/bench/seed-p2p")
            let (status, output) = try await Executables.run(
                script, ["--database-url", url, "--orders", "\(Self.orders)"], withStandardError: true)
            #expect(status == 0, "\(output)")

            try await TestDatabase.withClient(url) { client in
                let rows = try await client.query(
                    "SELECT type, payload FROM event_log ORDER BY position", logger: Logger(label: "seeded-p2p"))
                var types: Set<EventType> = []
                var count = 0
                for try await (type, payload) in rows.decode((String, String).self) {
                    let eventType = try #require(EventType(rawValue: type))
                    let decoded = try EventPayload(type: eventType, json: Array(payload.utf8))
                    #expect(String(decoding: decoded.jsonData(), as: UTF8.self) == payload)
                    types.insert(eventType)
                    count += 1
                }
                #expect(count == 20 + 10 * Self.orders)
                #expect(
                    types == [
                        .supplierCreated, .purchaseOrderCreated, .purchaseOrderItemAdded, .purchaseOrderSubmitted,
                        .purchaseOrderApproved, .goodsReceived, .invoiceRegistered, .invoiceApproved,
                        .paymentScheduled, .paymentMade,
                    ])
            }
        }
    }
}
