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
                    let folder = sandbox.directory.appendingPathComponent("answers")
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    let answers = [
                        ("getAllocations", ["order-2", "order-4", "order-6"].map { "/allocations/\($0)" }),
                        ("getStock", ["SMALL-TABLE", "BLUE-VASE"].map { "/stock/\($0)" }),
                        ("getDashboard", ["/api/dashboard"]),
                        ("getHealth", ["/health"]),
                    ]
                    for (operation, paths) in answers {
                        for (index, path) in paths.enumerated() {
                            let reply = try await service.get(path)
                            #expect(reply.status == 200, "\(path)")
                            try reply.body.write(to: folder.appendingPathComponent("\(operation).\(index).json"))
                        }
                    }
                    let (status, output) = try await OpenAPICheck.run(folder: folder.path)
                    #expect(status == 0, "\(output)")
                    #expect(output.components(separatedBy: ": valid").count - 1 == 7, "\(output)")
                }
            }
        }
    }
}
