import ArgumentParser
import Contracts
import Foundation
import Messaging

/// Sends one command over a DEALER socket and waits for its reply, matched by command id.
///
/// A request that gets no answer in time is sent again with the same command id — safe, because
/// the service applies a command id at most once and answers a repeat with the first reply.
struct CommandClient {
    let endpoint: String
    let timeout: Duration
    var security: SocketSecurity = .none
    let attempts = 2

    func send(_ request: CommandRequest) async throws(ExitCode) -> CommandReply {
        let context: ZMQContext
        let socket: OwnedSocket
        do {
            context = try ZMQContext()
            socket = try OwnedSocket(
                context: context, kind: .dealer, options: SocketOptions(security: security), connect: [endpoint])
        } catch {
            throw fail(.badInput, "cannot open a socket to \(endpoint): \(error)\n" + Hint.endpoint)
        }
        defer {
            socket.close()
            context.terminate()
        }
        let frame = Array(CommandCodec.encode(request))
        for _ in 1...attempts {
            let answer = try? await socket.request(
                [frame], timeout: timeout / attempts,
                isReply: { frames in
                    guard frames.count == 1, case .success(let reply) = CommandCodec.decodeReply(frames[0]) else {
                        return false
                    }
                    return reply.commandID == request.commandID || reply.commandID == nil
                })
            if let answer, case .success(let reply) = CommandCodec.decodeReply(answer[0]) { return reply }
        }
        throw fail(
            .unavailable,
            "no answer from the command service at \(endpoint) within \(timeout)\n"
                + Hint.commandUnreachable(endpoint, secure: security != .none))
    }
}
