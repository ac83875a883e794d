import ArgumentParser
import Contracts
import Foundation
import Messaging

/// `cosmic bench approvals`: purchase-order approvals at a steady rate, and the policy reactor's lag
/// behind them — from each `PurchaseOrderApproved` to the `BatchCreated` its policy made of it.
///
/// Both times are the events' `occurred_at` in the log (each the start of its writing transaction),
/// so the lag is what a reader of the log sees: approval committed → its batch committed, through
/// the sequencer, the reactor's poll and the reaction's own unit of work.
struct BenchApprovals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "Approve purchase orders at a steady rate and report the policy reactor's lag.",
        discussion: """
            Creates a supplier and --count submitted one-item orders, then approves them at --rate a \
            second over --clients sockets, waits for every approval's batch, and reads both events' \
            times from the replay socket. Prints a summary, then one line of JSON (--json: only that).
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Approvals in all.") var count = 2000
    @Option(help: "Approvals per second over all clients, paced evenly.") var rate: Double = 200
    @Option(help: "Concurrent clients, each with its own DEALER socket.") var clients = 8
    @Option(help: "Prefix of every supplier, order, SKU and command id (default: random).") var runID: String?

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be 1 or more") }
        guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be a positive number") }
        guard (1...256).contains(clients) else { throw ValidationError("--clients must be from 1 to 256") }
        if let runID, !AllocationPlan.isValidRunID(runID) {
            throw ValidationError("--run-id must be 1 to 32 letters, digits, '-' or '_'")
        }
    }

    func run() async throws {
        let run = runID ?? AllocationPlan.randomRunID()
        let context: ZMQContext
        let sockets: [OwnedSocket]
        let replay: OwnedSocket
        do {
            context = try ZMQContext()
            let socketOptions = try options.socketOptions()  // the key files, read once
            sockets = try (0..<max(clients, 16)).map { _ in
                try OwnedSocket(context: context, kind: .dealer, options: socketOptions, connect: [options.commands])
            }
            replay = try OwnedSocket(context: context, kind: .dealer, options: socketOptions, connect: [options.replay])
        } catch {
            throw fail(.badInput, "cannot open sockets: \(error)")
        }
        defer {
            for socket in sockets { socket.close() }
            replay.close()
            context.terminate()
        }
        let all = sockets.map { BenchClient(socket: $0, timeout: options.wait) }
        func request(_ id: String, _ payload: CommandPayload, by principal: String? = nil) -> CommandRequest {
            CommandRequest(commandID: "\(run)-\(id)", payload: payload, issuedBy: principal)
        }
        func order(_ n: Int) -> String { "\(run)-PO-\(n)" }

        progress("run \(run): creating \(count) submitted orders")
        let supplier = "\(run)-SUP"
        do {
            try await decide(
                all[0],
                request(
                    "supplier",
                    .createSupplier(
                        CreateSupplierPayload(supplier: supplier, name: "Bench", currency: "EUR", termsDays: 30))
                ))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, client) in all.enumerated() {
                    group.addTask {
                        for n in stride(from: index, to: count, by: all.count) {
                            try await decide(
                                client,
                                request(
                                    "create-\(n)",
                                    .createPurchaseOrder(
                                        CreatePurchaseOrderPayload(
                                            number: order(n), supplier: supplier, expectedDelivery: "2027-06-01")),
                                    by: "bench-requester"))
                            try await decide(
                                client,
                                request(
                                    "add-\(n)",
                                    .addPurchaseOrderItem(
                                        AddPurchaseOrderItemPayload(
                                            number: order(n), sku: "\(run)-SKU-\(n % 50)", quantity: 10, unitPrice: 100)
                                    )))
                            try await decide(
                                client,
                                request(
                                    "submit-\(n)", .submitPurchaseOrder(SubmitPurchaseOrderPayload(number: order(n))),
                                    by: "bench-requester"))
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            throw fail(.unavailable, "set-up failed: \(error)")
        }

        progress("approving \(count) orders at \(rate)/s")
        let schedule = LoadSchedule(start: .now, warmup: .zero, stop: .count(count), rate: rate, clients: clients)
        let firstPosition = await withTaskGroup(of: Int?.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var first: Int?
                    var k = 0
                    for n in stride(from: client, to: count, by: clients) {
                        if let at = schedule.sendTime(client: client, command: k) { try? await Task.sleep(until: at) }
                        k += 1
                        let answer = await all[client].sendUntilDecided(
                            request(
                                "approve-\(n)", .approvePurchaseOrder(ApprovePurchaseOrderPayload(number: order(n))),
                                by: "bench-approver"))
                        if case .reply(let reply, _) = answer, let position = reply.position {
                            first = min(first ?? position, position)
                        }
                    }
                    return first
                }
            }
            var first: Int?
            for await position in group { if let position { first = min(first ?? position, position) } }
            return first
        }
        guard let firstPosition else { throw fail(.unavailable, "no approval was answered") }
        let elapsed = ContinuousClock.now - schedule.start

        progress("waiting for every approval's batch")
        let orders = Set((0..<count).map(order))
        var approvals: [String: Date] = [:]
        var lags = Latencies()
        var next = firstPosition
        let deadline = ContinuousClock.now + .seconds(120)
        while lags.count < count {
            guard ContinuousClock.now < deadline else {
                throw fail(.unavailable, "only \(lags.count) of \(count) batches appeared within 120 s")
            }
            let page = try await fetch(replay, from: next)
            if page.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            for event in page {
                next = event.position + 1
                switch event.payload {
                case .purchaseOrderApproved(let approved) where orders.contains(approved.number):
                    approvals[event.eventID.uuidString.lowercased()] = event.occurredAt
                case .batchCreated:
                    // policy:stock-on-order:<event id>:<line>
                    let parts = (event.commandID ?? "").split(separator: ":")
                    if parts.count == 4, parts[1] == "stock-on-order", let approvedAt = approvals[String(parts[2])] {
                        lags.record(
                            .milliseconds(Int64((event.occurredAt.timeIntervalSince(approvedAt) * 1000).rounded())))
                    }
                default:
                    break
                }
            }
        }
        let summary = lags.summary
        let achieved = Double(count) / max(elapsed.seconds, 0.001)
        let json: [(String, ReportJSON)] = [
            ("bench", .string("approvals")), ("run_id", .string(run)), ("approvals", .int(count)),
            ("target_rate", .decimal(rate, places: 1)), ("achieved_rate", .decimal(achieved, places: 1)),
            ("policy_lag_ms", .latency(summary)),
        ]
        let lines = [
            "approvals: \(count) at \(String(format: "%.1f", achieved))/s (target \(rate)/s)",
            "policy lag (approval → its batch), ms: "
                + (summary.map {
                    String(format: "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", $0.p50, $0.p90, $0.p99, $0.max)
                }
                    ?? "none"),
        ]
        ReportText.print(lines: lines, json: .object(json), jsonOnly: options.json)
    }

    /// Sends a set-up command until it is decided, and insists it was applied.
    private func decide(_ client: BenchClient, _ request: CommandRequest) async throws {
        switch await client.sendUntilDecided(request) {
        case .reply(let reply, _) where reply.status == .ok: return
        case .reply(let reply, _): throw ValidationError("\(request.type.rawValue): \(reply.error?.message ?? "?")")
        case .none(let code): throw ValidationError("\(request.type.rawValue): \(code)")
        }
    }

    private func fetch(_ replay: OwnedSocket, from position: Int) async throws -> [EventEnvelope] {
        let request = ReplayRequest(from: position, limit: 1000)
        let frames = try await replay.request([Array(ReplayCodec.encode(request))], timeout: options.wait)
        guard case .success(.events(let page)) = ReplayCodec.decodeReply(frames.last ?? []) else { return [] }
        return page.events
    }
}
