import Contracts
import Foundation
import QueryService
import Testing

/// DESIGN.md invariant 5: projections are a pure function of the event log.
@Suite struct RebuildTests {
    @Test func aRebuiltDatabaseHoldsExactlyTheRowsOfTheIncrementalOne() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                // Incremental: live, in many small batches, with a dropped message on the way.
                var configuration = testConfiguration(upstream, database: sandbox.path("incremental.sqlite"))
                configuration.batchSize = 3
                let payloads = History.mixed + History.mixed.map(Self.renamed)
                let incremental = try await withService(configuration) { service in
                    try await liveTraffic(upstream, service)
                    for (index, payload) in payloads.enumerated() {
                        upstream.append([payload], publish: index % 7 != 3)
                    }
                    try await service.waitForCheckpoint(upstream.head)
                    return try await service.store.dump()
                }
                #expect(incremental["allocations"]?.isEmpty == false)
                #expect(incremental["out_of_stock"]?.count == 4)

                // Rebuild into a new file, in pages of a different size.
                var fresh = configuration
                fresh.databasePath = sandbox.path("rebuilt.sqlite")
                fresh.batchSize = 10
                let checkpoint = try await Rebuild.run(configuration: fresh)
                #expect(checkpoint == upstream.head)
                #expect(try await ProjectionStore(path: fresh.databasePath).dump() == incremental)

                // Rebuild the incremental file in place: dropped, replayed, identical.
                #expect(try await Rebuild.run(configuration: configuration) == upstream.head)
                let reopened = try ProjectionStore(path: configuration.databasePath)
                #expect(try await reopened.dump() == incremental)
                #expect(try await reopened.checkpoint() == upstream.head)
            }
        }
    }

    /// The same for procurement's read model, with allocation's events in between.
    @Test func procurementRebuiltFromPositionZeroEqualsIncremental() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                var configuration = testConfiguration(upstream, database: sandbox.path("p2p-incremental.sqlite"))
                configuration.batchSize = 3
                let incremental = try await withService(configuration) { service in
                    try await liveTraffic(upstream, service)
                    let steps = ProcurementHistory.steps
                    upstream.append(timed: Array(steps[..<25]), publish: { $0 % 5 != 2 })
                    upstream.append(History.mixed)
                    upstream.append(timed: Array(steps[25...]), publish: { $0 % 4 != 1 })
                    try await service.waitForCheckpoint(upstream.head)
                    return try await service.store.dump()
                }
                // LAMP, DESK, PLANK, CHAIR, VASE and allocation's BLUE-VASE.
                #expect(incremental["reorder_skus"]?.count == 6)
                #expect(incremental["invoices"]?.count == 5)

                var fresh = configuration
                fresh.databasePath = sandbox.path("p2p-rebuilt.sqlite")
                fresh.batchSize = 7
                #expect(try await Rebuild.run(configuration: fresh) == upstream.head)
                #expect(try await ProjectionStore(path: fresh.databasePath).dump() == incremental)
            }
        }
    }

    @Test func rebuildFailsClearlyWhenTheLogCannotBeReplayed() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                var configuration = testConfiguration(upstream, database: sandbox.path("unreachable.sqlite"))
                upstream.stop()
                configuration.replayTimeout = .milliseconds(100)
                await #expect(throws: Rebuild.Failed.self) {
                    try await Rebuild.run(configuration: configuration, patience: .milliseconds(500))
                }
            }
        }
    }

    /// The same history on other SKUs, batches and orders, so it can follow the first.
    static func renamed(_ payload: EventPayload) -> EventPayload {
        func r(_ text: String) -> String { text + "-b" }
        return switch payload {
        case .batchCreated(let p): History.batch(r(p.reference), r(p.sku), p.quantity, eta: p.eta)
        case .allocated(let p): History.allocated(r(p.orderID), r(p.sku), p.quantity, r(p.batchReference))
        case .deallocated(let p):
            History.deallocated(r(p.orderID), r(p.sku), p.quantity, r(p.batchReference), reason: p.reason)
        case .outOfStock(let p): History.outOfStock(r(p.orderID), r(p.sku), p.quantity)
        case .batchQuantityChanged(let p): History.quantityChanged(r(p.reference), r(p.sku), p.quantity)
        default: payload  // the history holds allocation's events only
        }
    }
}
