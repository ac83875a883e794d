import Contracts
import Foundation
import TestSupport
import Testing

@testable import QueryService

/// Procurement's endpoints against the real server: the JSON is the read model's, nullable fields
/// are present as `null`, errors have their stable codes, reads wait for `min_position`. One test
/// at a time: each runs a service, and too many at once on two cores starve the other suites'.
@Suite(.serialized) struct ProcurementHTTPTests {
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// A JSON list of money as `CUR minor` strings: JSON integers, never fractions.
    static func money(_ json: Any?) -> [String]? {
        (json as? [[String: Any]])?.map { "\($0["currency"] as? String ?? "?") \($0["value"] as? Int ?? -1)" }
    }

    @Test func documentsAnswerWithTheReadModelsFigures() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(timed: ProcurementHistory.steps)
                let head = upstream.head
                try await withService(testConfiguration(upstream, database: sandbox.path("p2p.sqlite"))) { service in
                    try await service.waitForCheckpoint(head)
                    let model = ReadModel(store: service.store)

                    let order = try await service.get("/purchase-orders/PO-1")
                    #expect(order.status == 200 && order.headers["x-checkpoint"] == "\(head)")
                    #expect(order.body == (try APIJSON.data(try #require(try await model.purchaseOrder("PO-1").order))))
                    let orderJSON = try order.object()
                    #expect(orderJSON["closure"] is NSNull && orderJSON["approver"] as? String == "bob")
                    #expect(orderJSON["total"] as? Int == 145_000 && orderJSON["currency"] as? String == "EUR")
                    let lines = try #require(orderJSON["lines"] as? [[String: Any]])
                    #expect(lines.first?["closed_short"] as? Bool == true && lines.first?["invoiced"] as? Int == 90)
                    let draft = try await service.get("/purchase-orders/PO-5").object()
                    #expect(draft["submitted_at"] is NSNull && draft["approved_at"] is NSNull)

                    let invoice = try await service.get("/invoices/NORD/N-1")
                    #expect(invoice.status == 200)
                    #expect(
                        try Self.decoder().decode(InvoiceView.self, from: invoice.body)
                            == (try await model.invoice(supplier: "NORD", number: "N-1").invoice))
                    let invoiceJSON = try invoice.object()
                    #expect(invoiceJSON["balance"] as? Int == 22_000)
                    #expect(invoiceJSON["first_pass_matched"] as? Bool == false)
                    #expect(invoiceJSON["override_reason"] as? String == "price increase agreed")
                    #expect((try await service.get("/invoices/NORD/N-2").object())["payment_due"] is NSNull)

                    let supplier = try await service.get("/suppliers/ACME")
                    #expect(supplier.status == 200)
                    let supplierJSON = try supplier.object()
                    #expect(Self.money(supplierJSON["outstanding"]) == ["EUR 7500"])
                    #expect(supplierJSON["terms_days"] as? Int == 30)

                    for (path, field) in [
                        ("/purchase-orders/PO-404", nil), ("/invoices/ACME/NOPE", nil), ("/suppliers/NOBODY", nil),
                        ("/invoices/ACME", nil), ("/purchase-orders/" + String(repeating: "x", count: 101), "number"),
                    ] as [(String, String?)] {
                        let reply = try await service.get(path)
                        #expect(reply.status == (field == nil ? 404 : 400), "\(path)")
                        #expect(try HTTPTests.errorCode(reply) == (field == nil ? "not_found" : "invalid_parameter"))
                    }
                }
            }
        }
    }

    @Test func kpisTakeARangeOfDaysAndRefuseBadDates() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(timed: ProcurementHistory.steps)
                let head = upstream.head
                try await withService(testConfiguration(upstream, database: sandbox.path("kpis.sqlite"))) { service in
                    try await service.waitForCheckpoint(head)
                    let model = ReadModel(store: service.store)
                    let today = CalendarDay(of: Date())

                    let all = try await service.get("/api/procurement/kpis")
                    #expect(all.status == 200 && all.headers["x-checkpoint"] == "\(head)")
                    let expected = try await model.procurementKPIs(from: nil, to: nil, today: today).kpis
                    #expect(try Self.decoder().decode(ProcurementKPIs.self, from: all.body) == expected)
                    let allJSON = try all.object()
                    #expect(allJSON["from"] is NSNull && allJSON["to"] is NSNull)
                    #expect(
                        Self.money((allJSON["orders_created"] as? [String: Any])?["value"]) == [
                            "EUR 255000", "USD 115000",
                        ])
                    #expect((allJSON["approval_cycle"] as? [String: Any])?["average_seconds"] as? Double == 31_800)

                    let range = try await service.get("/api/procurement/kpis?from=2027-01-05&to=2027-01-07").object()
                    #expect(range["from"] as? String == "2027-01-05" && range["to"] as? String == "2027-01-07")
                    #expect((range["orders_created"] as? [String: Any])?["count"] as? Int == 3)
                    #expect((range["on_time_delivery"] as? [String: Any])?["rate"] is NSNull)

                    for query in [
                        "from=2027-13-01", "to=yesterday", "from=2027-02-29", "from=", "from=2027-1-5",
                        "from=2027-01-02&from=2027-01-03", "from=2027-01-08&to=2027-01-07",
                    ] {
                        let reply = try await service.get("/api/procurement/kpis?" + query)
                        #expect(reply.status == 400, "\(query)")
                        #expect(try HTTPTests.errorCode(reply) == "invalid_parameter", "\(query)")
                        let field = (try reply.object()["error"] as? [String: Any])?["field"] as? String
                        #expect(field == "from" || field == "to", "\(query)")
                    }
                }
            }
        }
    }

    @Test func newEndpointsReadTheirWrites() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                var configuration = testConfiguration(upstream, database: sandbox.path("ryw.sqlite"))
                configuration.readYourWritesMaxWait = .seconds(20)
                try await withService(configuration) { service in
                    try await liveTraffic(upstream, service)
                    let head = upstream.head
                    let steps = Array(ProcurementHistory.steps.prefix(9))  // suppliers and PO-1, approved
                    async let order = service.get("/purchase-orders/PO-1?min_position=\(head + steps.count)")
                    async let kpis = service.get(
                        "/api/procurement/kpis", headers: ["X-Min-Position": "\(head + steps.count)"])
                    async let supplier = service.get("/suppliers/ACME?min_position=\(head + 1)")
                    _ = try await eventually("the reads are waiting") {
                        let text = try await service.get("/metrics").text
                        return text.contains("cosmic_query_reads_waited_total 3") ? true : nil
                    }
                    upstream.append(timed: steps)
                    let (o, k, s) = try await (order, kpis, supplier)
                    #expect(try o.status == 200 && o.object()["status"] as? String == "approved")
                    #expect(
                        try k.status == 200 && (k.object()["orders_approved"] as? [String: Any])?["count"] as? Int == 1)
                    #expect(s.status == 200)

                    let bad = try await service.get("/suppliers/ACME?min_position=soon")
                    #expect(try bad.status == 400 && HTTPTests.errorCode(bad) == "invalid_parameter")
                }
            }
        }
    }

    @Test func theProcurementPageAndItsStream() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(timed: ProcurementHistory.steps)
                let head = upstream.head
                try await withService(testConfiguration(upstream, database: sandbox.path("page.sqlite"))) { service in
                    try await service.waitForCheckpoint(head)
                    let page = try await service.get("/procurement")
                    #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
                    #expect(page.text.contains("/procurement.js") && !page.text.contains("http"))
                    #expect(try await service.get("/procurement.js").status == 200)

                    let dashboard = try await service.get("/api/procurement/dashboard")
                    #expect(dashboard.status == 200 && dashboard.headers["x-checkpoint"] == "\(head)")
                    let view = try Self.decoder().decode(ProcurementDashboardView.self, from: dashboard.body)
                    #expect(view.checkpoint == head && view.lag == 0 && view.sync.state == "live")
                    #expect(view.kpis.ordersCreated.count == 5 && view.kpis.from == nil)
                    #expect(view.awaitingApproval.map(\.invoice) == ["A-102"])
                    #expect(view.awaitingApproval.first?.firstPassMatched == false)
                    // Scheduled and not paid in full, soonest first: N-1 (01-26), then A-101 (02-09).
                    #expect(view.paymentsDue.map(\.invoice) == ["N-1", "A-101"])
                    #expect(view.paymentsDue.map(\.balance) == [22_000, 7_500])

                    let text = try await HTTPClient.stream(
                        port: service.port, "/events/stream?view=procurement", timeout: .seconds(20)
                    ) {
                        guard let start = $0.range(of: "id: \(head)\ndata: ") else { return false }
                        return $0[start.upperBound...].contains("\n\n")
                    }
                    #expect(text.contains("event: procurement\nid: \(head)\ndata: {"))
                    let bad = try await service.get("/events/stream?view=sales")
                    #expect(try bad.status == 400 && HTTPTests.errorCode(bad) == "invalid_parameter")
                }
            }
        }
    }
}

/// Real answers of the procurement endpoints validated against docs/query-api.openapi.yaml by
/// scripts/check-openapi-responses (JSON Schema: every required field, type and null). Runs where
/// Python has PyYAML and jsonschema (Debian's python3-yaml and python3-jsonschema), always in a full
/// run (`FullSuite`).
@Suite(
    .enabled {
        if FullSuite.required { return true }
        return await OpenAPICheck.available()
    })
struct ProcurementOpenAPITests {
    @Test func answersMatchTheirSchemas() async throws {
        try await withSandbox { sandbox in
            try await withUpstream { upstream in
                upstream.append(timed: ProcurementHistory.steps)
                let head = upstream.head
                try await withService(testConfiguration(upstream, database: sandbox.path("openapi.sqlite"))) {
                    service in
                    try await service.waitForCheckpoint(head)
                    let answers = [
                        (
                            "getPurchaseOrder",
                            ["PO-1", "PO-2", "PO-3", "PO-4", "PO-5"].map { "/purchase-orders/\($0)" }
                        ),
                        (
                            "getInvoice",
                            ["ACME/A-100", "ACME/A-101", "ACME/A-102", "NORD/N-1", "NORD/N-2"].map { "/invoices/\($0)" }
                        ),
                        ("getSupplier", ["/suppliers/ACME", "/suppliers/NORD"]),
                        (
                            "getProcurementKPIs",
                            [
                                "/api/procurement/kpis", "/api/procurement/kpis?from=2027-01-05&to=2027-01-07",
                                "/api/procurement/kpis?from=2027-02-01",
                            ]
                        ),
                        ("getProcurementDashboard", ["/api/procurement/dashboard"]),
                    ]
                    try await OpenAPICheck.expectValid(answers, of: service, in: sandbox, count: 16)
                }
            }
        }
    }
}

enum OpenAPICheck {
    static let root = Executables.packageRoot

    /// Python with PyYAML and jsonschema, which `scripts/test` installs.
    static func available() async -> Bool {
        (try? await python(["-c", "import yaml, jsonschema"]).status) == 0
    }

    /// Fetches each operation's paths (all must answer 200) into a folder and validates every answer
    /// against its operation's schema; `count` answers must be valid.
    static func expectValid(
        _ answers: [(operation: String, paths: [String])], of service: RunningService, in sandbox: Sandbox,
        count: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let folder = sandbox.directory.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (operation, paths) in answers {
            for (index, path) in paths.enumerated() {
                let reply = try await service.get(path)
                #expect(reply.status == 200, "\(path)", sourceLocation: sourceLocation)
                try reply.body.write(to: folder.appendingPathComponent("\(operation).\(index).json"))
            }
        }
        let (status, output) = try await run(folder: folder.path)
        #expect(status == 0, "\(output)", sourceLocation: sourceLocation)
        #expect(
            output.components(separatedBy: ": valid").count - 1 == count, "\(output)", sourceLocation: sourceLocation)
    }

    static func run(folder: String) async throws -> (status: Int32, output: String) {
        try await python([
            root.appendingPathComponent("scripts/check-openapi-responses").path,
            root.appendingPathComponent("docs/query-api.openapi.yaml").path, folder,
        ])
    }

    private static func python(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await Executables.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, withStandardError: true)
    }
}
