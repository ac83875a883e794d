import Contracts
import Foundation
import TestSupport
import Testing

@testable import QueryService

/// Real answers of the allocation endpoints, health included, validated against
/// docs/query-api.openapi.yaml like the procurement ones (`ProcurementOpenAPITests`): required fields
/// present even when null (a warehouse batch's `eta`), types exact, nothing undocumented.
@Suite(
    .enabled {
        if FullSuite.required { return true }
        return await OpenAPICheck.available()
    })
struct AllocationOpenAPITests {
    @Test func answersMatchTheirSchemas() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(History.mixed)
                let head = upstream.head
                try await withService(testConfiguration(upstream, database: sandbox.path("openapi.sqlite"))) {
                    service in
                    try await service.waitForCheckpoint(head)
                    let answers = [
                        ("getAllocations", ["order-2", "order-4", "order-6"].map { "/allocations/\($0)" }),
                        ("getStock", ["SMALL-TABLE", "BLUE-VASE"].map { "/stock/\($0)" }),
                        ("getDashboard", ["/api/dashboard"]),
                        ("getHealth", ["/health"]),
                    ]
                    try await OpenAPICheck.expectValid(answers, of: service, in: sandbox, count: 7)
                }
            }
        }
    }
}
