import ArgumentParser
import Contracts
import Foundation
import Messaging

/// `cosmic health`: is the command service serving (asked over ZeroMQ, on its replay socket) and is
/// the query service healthy (its HTTP `/health`)? Exit 0 when everything asked about is, 1 when
/// not — what a container health check expects, so the image needs no other tool for it.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the services are up: exit 0 when healthy, 1 when not.",
        discussion: """
            command: a replay request on the command service's replay socket (ZeroMQ) must be answered; \
            it is answered only when the service is serving and its database answers (not while it \
            starts or stops). query: GET /health on the query service must answer 200 (synchronised, \
            lag within its --healthy-lag). Both by default.
            """)

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case all, command, query
    }

    @OptionGroup var options: GlobalOptions
    @Argument(help: "What to check: all, command or query.") var target: Target = .all

    func run() async throws {
        var healthy = true
        if target != .query {
            let (ok, line) = await commandService()
            print("command service  \(options.replay)  \(line)")
            healthy = healthy && ok
        }
        if target != .command {
            let (ok, line) = await queryService()
            print("query service    \(options.query)  \(line)")
            healthy = healthy && ok
        }
        if !healthy { throw ExitCode.failure }
    }

    /// The head position, or why not: one replay request past any position there is, so the answer
    /// carries no events, only the head the service read from its database.
    func commandService() async -> (Bool, String) {
        let context: ZMQContext
        let socket: OwnedSocket
        do {
            context = try ZMQContext()
            socket = try OwnedSocket(
                context: context, kind: .dealer, options: options.socketOptions(), connect: [options.replay])
        } catch {
            return (false, "unhealthy: cannot open a socket: \(error)\n" + Hint.endpoint)
        }
        defer {
            socket.close()
            context.terminate()
        }
        let request = ReplayRequest(from: Self.beyondAnyPosition, limit: 1)
        guard let frames = try? await socket.request([Array(ReplayCodec.encode(request))], timeout: options.wait)
        else {
            return (false, "unhealthy: no answer within \(options.wait)\n" + Hint.replayUnreachable(options.replay))
        }
        switch ReplayCodec.decodeReply(frames.last ?? []) {
        case .success(.events(let response)): return (true, "healthy: serving, head \(response.head)")
        case .success(.failure(let error)): return (false, "unhealthy: \(error.message) (\(error.code.rawValue))")
        case .failure(let error): return (false, "unhealthy: cannot read the answer: \(error)")
        }
    }

    /// 2^53 − 1: the largest position every JSON reader keeps exactly.
    static let beyondAnyPosition = 9_007_199_254_740_991

    func queryService() async -> (Bool, String) {
        let answer: (status: Int, body: Data)
        do {
            answer = try await QueryClient(baseURL: options.query, timeout: options.wait).fetch("/health")
        } catch {
            return (false, "unhealthy: no answer (see above)")
        }
        let body = (try? JSONDecoder().decode([String: JSONValue].self, from: answer.body)) ?? [:]
        let figures = ["state", "checkpoint", "head", "lag", "problem"].compactMap { key in
            body[key].flatMap { $0 == .null ? nil : "\(key) \($0.text)" }
        }.joined(separator: ", ")
        let ok = answer.status == 200
        return (ok, (ok ? "healthy: " : "unhealthy: HTTP \(answer.status), ") + figures)
    }
}
