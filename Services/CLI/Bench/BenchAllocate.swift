import ArgumentParser
import Foundation
import Messaging
import Synchronization

/// `cosmic bench allocate`: allocation load on the running command service, optionally with the
/// freshness of the read side measured alongside.
struct BenchAllocate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate",
        abstract: "Load the command service with allocations and report throughput and latency.",
        discussion: """
            Creates batches for the run's SKUs, optionally makes --prior allocations per SKU, warms up, \
            then measures for --duration seconds or --count commands. Every identifier starts with \
            --run-id, so runs never collide. Prints a summary, then one line of JSON (--json: only that).
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Concurrent clients, each with its own DEALER socket.") var clients = 16
    @Option(help: "Seconds to measure (default 10); not with --count.") var duration: Double?
    @Option(help: "Commands to measure in total, instead of --duration.") var count: Int?
    @Option(help: "Seconds of warm-up before measuring; its commands are not counted.") var warmup: Double = 2
    @Option(help: "SKUs the allocations are spread over (default 100).") var skus: Int?
    @Flag(help: "Put every client on one SKU (the contended case).") var hot = false
    @Option(help: "Prefix of every SKU, batch, order and command id (default: random).") var runID: String?
    @Option(help: "Allocations made per SKU before measuring, through the service, not counted.") var prior = 0
    @Option(help: "Commands per second over all clients, paced evenly (default: unlimited, closed loop).")
    var rate: Double?
    @Flag(help: "Also measure freshness: reply received until readable through the query service.")
    var freshness = false

    func validate() throws {
        guard (1...1000).contains(clients) else { throw ValidationError("--clients must be from 1 to 1000") }
        if duration != nil && count != nil { throw ValidationError("give --duration or --count, not both") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        guard warmup >= 0, warmup.isFinite else { throw ValidationError("--warmup must be 0 or more seconds") }
        if let skus, skus < 1 { throw ValidationError("--skus must be 1 or more") }
        if hot, let skus, skus != 1 { throw ValidationError("--hot puts every client on one SKU: leave out --skus") }
        guard prior >= 0 else { throw ValidationError("--prior must be 0 or more") }
        if let rate, !(rate > 0) || !rate.isFinite { throw ValidationError("--rate must be a positive number") }
        if let runID, !AllocationPlan.isValidRunID(runID) {
            throw ValidationError("--run-id must be 1 to 32 letters, digits, '-' or '_'")
        }
    }

    var plan: AllocationPlan {
        AllocationPlan(runID: runID ?? AllocationPlan.randomRunID(), clients: clients, skus: hot ? 1 : skus ?? 100)
    }

    func run() async throws {
        let plan = plan
        let freshnessEndpoint: HTTPEndpoint?
        do {
            freshnessEndpoint = freshness ? try HTTPEndpoint(url: options.query) : nil
        } catch {
            throw fail(.badInput, "--query-url: \(error)")
        }
        let context: ZMQContext
        let sockets: [OwnedSocket]
        let socketOptions: SocketOptions
        do {
            context = try ZMQContext()
            // Set-up (batches, prior allocations) runs on at least 32 sockets whatever `--clients`
            // says: a growth run with one measured client must not make 100,000 allocations serially.
            socketOptions = try options.socketOptions()  // the key files, read once
            sockets = try (0..<max(clients, 32)).map { _ in
                try OwnedSocket(context: context, kind: .dealer, options: socketOptions, connect: [options.commands])
            }
        } catch {
            throw fail(.badInput, "cannot open sockets to \(options.commands): \(error)")
        }
        defer {
            for socket in sockets { socket.close() }
            context.terminate()
        }
        let setup = AllocationLoad(plan: plan, clients: sockets.map { BenchClient(socket: $0, timeout: options.wait) })

        do {
            progress("run \(plan.runID): creating \(plan.batchCount) batches")
            try await setup.createBatches()
            if prior > 0 {
                progress("making \(prior * plan.skus) prior allocations")
                let position = try await setup.allocatePrior(perSKU: prior)
                // The query service's catch-up on those events must not share the CPU with the
                // measurement (a growth run makes 100,000 of them).
                progress("waiting for the query service to apply them")
                await QueryServiceSettle(endpoint: try? HTTPEndpoint(url: options.query), timeout: options.wait)
                    .wait(untilApplied: position)
            }
        } catch {
            throw fail(.unavailable, "set-up failed: \(error)")
        }
        for socket in sockets { socket.close() }  // the measured clients have sockets of their own

        let probe = freshnessEndpoint.map { FreshnessProbe(endpoint: $0, timeout: options.wait) }
        async let probing = probe?.run()
        progress(warmup > 0 ? "warming up for \(warmup) s, then measuring" : "measuring")
        // What the measuring thread needs, as values (not `self`).
        let (endpoint, clients, rate) = (options.commands, clients, rate)
        let warmup = Duration.milliseconds(Int64((warmup * 1000).rounded()))
        let stop =
            count.map { LoadSchedule.Stop.count($0) }
            ?? .after(.milliseconds(Int64(((duration ?? 10) * 1000).rounded())))
        let started = Mutex<LoadSchedule?>(nil)
        let measured: Result<AllocationTally, MessagingError>
        do throws(MessagingError) {
            measured = .success(
                try await AllocationLoad.measure(
                    plan, timeout: options.wait, freshness: probe,
                    dealers: { () throws(MessagingError) in
                        try DealerSet(context: context, count: clients, options: socketOptions, connect: endpoint)
                    },
                    startSchedule: {
                        let schedule = LoadSchedule(
                            start: .now, warmup: warmup, stop: stop, rate: rate, clients: clients)
                        started.withLock { $0 = schedule }
                        return schedule
                    }))
        } catch {
            measured = .failure(error)
        }
        probe?.stop()
        let freshnessTally = await probing
        let tally: AllocationTally
        switch measured {
        case .success(let measured): tally = measured
        case .failure(let error): throw fail(.unavailable, "measuring failed: \(error)")
        }
        guard let schedule = started.withLock({ $0 }) else { throw fail(.unavailable, "measuring never started") }

        let elapsed = (tally.lastReplyAt ?? schedule.measureStart) - schedule.measureStart
        let report = AllocateReport(
            runID: plan.runID, hot: plan.skus == 1, clients: clients, skus: plan.skus, prior: prior, rate: rate,
            tally: tally, seconds: max(0, elapsed.seconds), freshness: freshnessTally)
        ReportText.print(lines: report.lines, json: report.json, jsonOnly: options.json)
    }
}

/// A phase starting, on standard error (standard output carries only the report).
func progress(_ message: String) {
    FileHandle.standardError.write(Data("cosmic bench: \(message)\n".utf8))
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
