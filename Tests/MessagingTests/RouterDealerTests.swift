import Messaging
import Testing

@Suite struct RouterDealerTests {
    @Test func routerEchoesEachDealerExactlyItsOwnReplies() async throws {
        let context = try ZMQContext()
        let router = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
        let endpoint = try #require(router.boundEndpoints.first)
        // Echo server: the first frame is the sender's routing id, so sending the message back
        // unchanged routes it to that sender.
        let echo = Task {
            for await message in router.messages { try? router.send(message) }
        }

        let clients = 5
        let requests = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    let dealer = try OwnedSocket(
                        context: context, kind: .dealer,
                        options: SocketOptions(routingID: bytes("client-\(client)")), connect: [endpoint])
                    defer { dealer.close() }
                    for request in 0..<requests {
                        try dealer.send([bytes("\(client)"), bytes("\(request)"), [0, 255]])
                    }
                    var seen: [Int] = []
                    for _ in 0..<requests {
                        let reply = try await dealer.receive(timeout: .seconds(10))
                        #expect(reply.count == 3)
                        #expect(text(reply[0]) == "\(client)")
                        #expect(reply[2] == [0, 255])
                        seen.append(Int(text(reply[1])) ?? -1)
                    }
                    #expect(seen == Array(0..<requests))
                    await #expect(throws: MessagingError.timeout) {
                        try await dealer.receive(timeout: .milliseconds(20))
                    }
                }
            }
            try await group.waitForAll()
        }
        router.close()
        await echo.value  // the message stream ends when the socket closes
    }

    @Test func requestSkipsRepliesThatDoNotMatch() async throws {
        let context = try ZMQContext()
        let router = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
        defer { router.close() }
        let dealer = try OwnedSocket(
            context: context, kind: .dealer, connect: [router.boundEndpoints[0]])
        defer { dealer.close() }
        // The router learns the dealer's routing id, then queues a stale reply and the real one
        // before the request is even sent: no server task has to be scheduled in time.
        try dealer.send([bytes("hello")])
        let peer = try await router.receive(timeout: .seconds(10))[0]
        try router.send([peer, bytes("stale")])
        try router.send([peer, bytes("id-7")])
        let reply = try await dealer.request([bytes("id-7")], timeout: .seconds(10)) {
            $0 == [bytes("id-7")]
        }
        #expect(reply == [bytes("id-7")])
        await #expect(throws: MessagingError.timeout) {
            try await dealer.request([bytes("id-8")], timeout: .milliseconds(100)) { _ in false }
        }
    }

    @Test func receiveHonoursCancellation() async throws {
        let context = try ZMQContext()
        let dealer = try OwnedSocket(context: context, kind: .dealer, bind: [anyLocalPort])
        defer { dealer.close() }
        let waiting = Task { try await dealer.receive(timeout: .seconds(60)) }
        waiting.cancel()
        await #expect(throws: MessagingError.cancelled) { try await waiting.value }
    }
}
