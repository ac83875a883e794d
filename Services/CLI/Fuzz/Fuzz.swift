import ArgumentParser
import Contracts
import Foundation
import Messaging

/// `cosmic fuzz`: sends seeded malformed input to the running services, the command and replay
/// sockets and the query API, and checks every answer: one structured reply with the code the
/// protocol documents for that input (the same the local decoder finds), never a 5xx, nothing
/// written (the head does not move), and the services still answering at the end.
/// `scripts/fuzz` runs it against services of its own.
struct Fuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send malformed input to the services and check every answer (see scripts/fuzz).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Inputs to send, spread over the command socket, the replay socket and the query API.")
    var frames = 10_000
    @Option(help: "Seed of the generator: the same seed sends the same inputs.") var seed: UInt64 = 1

    /// The codes the query API documents for a refusal.
    static let httpCodes: Set = [
        "not_found", "invalid_parameter", "method_not_allowed", "bad_request", "stale_read", "too_many_streams",
    ]

    func run() async throws {
        let context: ZMQContext
        let socketOptions: SocketOptions
        var commands: OwnedSocket
        var replay: OwnedSocket
        let endpoint: HTTPEndpoint
        do {
            context = try ZMQContext()
            socketOptions = try options.socketOptions()  // the key files, read once
            commands = try OwnedSocket(
                context: context, kind: .dealer, options: socketOptions, connect: [options.commands])
            replay = try OwnedSocket(context: context, kind: .dealer, options: socketOptions, connect: [options.replay])
            endpoint = try HTTPEndpoint(url: options.query)
        } catch {
            throw fail(.badInput, "cannot open sockets: \(error)")
        }
        defer {
            commands.close()
            replay.close()
            context.terminate()
        }
        guard let headBefore = await head(replay) else { throw fail(.unavailable, "the replay socket does not answer") }

        var input = MalformedInput(seed: seed)
        var sent = (commands: 0, replay: 0, http: 0, skipped: 0)
        var codes: [String: Int] = [:]
        var violations: [String] = []
        func violation(_ text: String) {
            if violations.count < 20 { FileHandle.standardError.write(Data("cosmic fuzz: \(text)\n".utf8)) }
            violations.append(text)
        }
        for index in 0..<frames {
            switch index % 3 {
            case 0, 1:
                let message = input.frames()
                let isCommand = index % 3 == 0
                // An empty first frame is a REQ-style delimiter: it comes back in front of the reply.
                let delimited = message.first?.isEmpty == true
                let body = delimited ? Array(message.dropFirst()) : message
                guard let expected = isCommand ? Self.commandCode(body) : Self.replayCode(body) else {
                    sent.skipped += 1  // by chance a valid request: it could change something
                    continue
                }
                let socket = isCommand ? commands : replay
                let reply: Frames
                do {
                    reply = try await socket.request(message, timeout: options.wait)
                } catch {
                    violation("input \(index): no reply (\(error)) to \(Self.describe(message))")
                    // Its reply may still come and would be taken for the next input's (most inputs have
                    // no command id to match it by): recreate the DEALER, as docs/PROTOCOL.md advises.
                    socket.close()
                    let target = isCommand ? options.commands : options.replay
                    do {
                        let fresh = try OwnedSocket(
                            context: context, kind: .dealer, options: socketOptions, connect: [target])
                        if isCommand { commands = fresh } else { replay = fresh }
                    } catch {
                        throw fail(.unavailable, "cannot reopen the socket to \(target): \(error)")
                    }
                    continue
                }
                let answer = delimited && reply.first?.isEmpty == true ? Array(reply.dropFirst()) : reply
                let code =
                    answer.count == 1
                    ? (isCommand ? Self.commandReplyCode(answer[0]) : Self.replayReplyCode(answer[0])) : nil
                if code != expected.rawValue {
                    violation(
                        "input \(index): \(code ?? "an unreadable reply"), expected \(expected.rawValue), to \(Self.describe(message))"
                    )
                }
                codes[code ?? "unreadable", default: 0] += 1
                if isCommand { sent.commands += 1 } else { sent.replay += 1 }
            default:
                let request = input.httpRequest(host: endpoint.authority)
                let response = await onDedicatedThread(name: "cosmic-fuzz-http") { [options] in
                    let connection = HTTPConnection(endpoint: endpoint, timeout: options.wait)
                    defer { connection.close() }
                    return Result { () throws(HTTPClientError) in try connection.exchange(raw: Array(request.utf8)) }
                }
                sent.http += 1
                switch response {
                case .failure(let error):
                    violation("input \(index): no HTTP answer (\(error)) to \(request.prefix(60).debugDescription)")
                case .success(let answer):
                    codes["http \(answer.status)", default: 0] += 1
                    if answer.status >= 500 {
                        violation("input \(index): HTTP \(answer.status) to \(request.prefix(60).debugDescription)")
                    } else if answer.status >= 400 {
                        let code =
                            (try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
                            .flatMap { $0["error"] as? [String: Any] }?["code"] as? String
                        if code.map(Self.httpCodes.contains) != true {
                            violation(
                                "input \(index): HTTP \(answer.status) without a documented JSON error to \(request.prefix(60).debugDescription)"
                            )
                        }
                    }
                }
            }
        }
        let headAfter = await head(replay)
        if headAfter != headBefore {
            violation(
                "the head moved from \(headBefore) to \(headAfter.map(String.init) ?? "no answer"): something was written"
            )
        }
        let summary: [String: Any] = [
            "inputs": frames, "seed": seed, "command_frames": sent.commands, "replay_frames": sent.replay,
            "http_requests": sent.http, "skipped_valid": sent.skipped, "answers": codes,
            "violations": violations.count, "head_before": headBefore, "head_after": headAfter ?? -1,
        ]
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
        if !violations.isEmpty { throw fail(.rejected, "\(violations.count) answers broke the protocol") }
    }

    /// The head, through the replay socket's documented probe.
    private func head(_ socket: OwnedSocket) async -> Int? {
        let probe = Array(ReplayCodec.encode(ReplayRequest(from: 9_007_199_254_740_991, limit: 1)))
        guard let reply = try? await socket.request([probe], timeout: options.wait), reply.count == 1,
            case .success(.events(let response)) = ReplayCodec.decodeReply(reply[0])
        else { return nil }
        return response.head
    }

    /// The code the command socket must answer `message` with; nil when it is a valid command.
    static func commandCode(_ message: Frames) -> ErrorCode? {
        guard message.count == 1 else { return .badFrames }
        guard message[0].count <= WireLimits.maximumRequestBytes else { return .frameTooLarge }
        guard case .failure(let failure) = CommandCodec.decode(message[0]) else { return nil }
        return failure.error.code
    }

    /// The code the replay socket must answer `message` with; nil when it is a valid request.
    static func replayCode(_ message: Frames) -> ErrorCode? {
        guard message.count == 1 else { return .badFrames }
        guard case .failure(let error) = ReplayCodec.decodeRequest(message[0]) else { return nil }
        return error.code
    }

    static func commandReplyCode(_ frame: [UInt8]) -> String? {
        guard case .success(let reply) = CommandCodec.decodeReply(frame), reply.status != .ok else { return nil }
        return reply.error?.code.rawValue
    }

    static func replayReplyCode(_ frame: [UInt8]) -> String? {
        guard case .success(.failure(let error)) = ReplayCodec.decodeReply(frame) else { return nil }
        return error.code.rawValue
    }

    static func describe(_ message: Frames) -> String {
        message.map { String(decoding: $0.prefix(60), as: UTF8.self).debugDescription }.joined(separator: " + ")
    }
}
