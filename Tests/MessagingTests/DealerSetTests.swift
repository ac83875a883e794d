import Messaging
import TestSupport
import Testing

/// `DealerSet`: sockets one thread drives, each its own connection, each answered on itself.
@Suite struct DealerSetTests {
    @Test func eachSocketGetsItsOwnRepliesAndAPollWithNothingDueTimesOut() async throws {
        let context = try ZMQContext()
        let router = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
        let endpoint = try #require(router.boundEndpoints.first)
        // Echo server: the first frame routes the message back to its sender.
        let echo = Task {
            for await message in router.messages { try? router.send(message) }
        }
        let (sockets, rounds) = (4, 25)
        // Blocking calls: on a thread of their own, never on the cooperative pool.
        let replies = try await offThePool { () throws -> [[String]] in
            let dealers = try DealerSet(context: context, count: sockets, options: SocketOptions(), connect: endpoint)
            defer { dealers.close() }
            var replies = [[String]](repeating: [], count: sockets)
            for round in 0..<rounds {
                for socket in 0..<sockets { try dealers.send(socket, bytes("\(socket):\(round)")) }
                var answered = 0
                while answered < sockets {
                    for (socket, frames) in try dealers.poll(timeout: .seconds(30)) {
                        replies[socket].append(frames.map(text).joined(separator: "|"))
                        answered += 1
                    }
                }
            }
            #expect(try dealers.poll(timeout: .milliseconds(20)).isEmpty)
            return replies
        }
        for socket in 0..<sockets {
            #expect(replies[socket] == (0..<rounds).map { "\(socket):\($0)" })
        }
        router.close()
        await echo.value
        context.terminate()
    }
}
