import Contracts
import Messaging

/// One command's fate as a benchmark sees it: its reply and when it arrived, or no reply.
enum CommandAnswer: Sendable {
    case reply(CommandReply, receivedAt: ContinuousClock.Instant)
    /// No reply: `timeout`, or the socket closed under it.
    case none(code: String)
}

/// One benchmark client: a DEALER of its own (so its own TCP connection and owner thread), with one
/// command in flight at a time. Awaiting a reply suspends the task; nothing blocks the pool.
struct BenchClient: Sendable {
    let socket: OwnedSocket
    let timeout: Duration

    /// Sends `request` once. A late reply to an earlier command that timed out is skipped.
    func send(_ request: CommandRequest) async -> CommandAnswer {
        let id = request.commandID
        var decoded: CommandReply?
        do {
            _ = try await socket.request(
                [Array(CommandCodec.encode(request))], timeout: timeout,
                isReply: { frames in
                    guard frames.count == 1, case .success(let reply) = CommandCodec.decodeReply(frames[0]),
                        reply.commandID == id || reply.commandID == nil
                    else { return false }
                    decoded = reply
                    return true
                })
        } catch .timeout {
            return .none(code: "timeout")
        } catch {
            return .none(code: "socket_closed")
        }
        let receivedAt = ContinuousClock.now
        guard let decoded else { return .none(code: "socket_closed") }
        return .reply(decoded, receivedAt: receivedAt)
    }

    /// For set-up and prior commands, which must take effect: sends the same request (same command
    /// id, so it applies at most once) again after a timeout or a retryable error, a few times.
    func sendUntilDecided(_ request: CommandRequest, attempts: Int = 8) async -> CommandAnswer {
        var answer = await send(request)
        for attempt in 1..<attempts {
            switch answer {
            case .reply(let reply, _) where reply.error?.retryable != true: return answer
            case .none(let code) where code != "timeout": return answer
            default: break
            }
            try? await Task.sleep(for: .milliseconds(min(25 << attempt, 2000)))
            answer = await send(request)
        }
        return answer
    }
}
