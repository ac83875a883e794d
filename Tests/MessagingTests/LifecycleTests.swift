import Messaging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LifecycleTests {
    @Test func bindingTheSameEndpointTwiceThrowsWithErrnoText() throws {
        let context = try ZMQContext()
        let first = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
        defer { first.close() }
        do {
            let second = try OwnedSocket(context: context, kind: .router, bind: [first.boundEndpoints[0]])
            second.close()
            Issue.record("second bind succeeded")
        } catch {
            #expect(error.code == EADDRINUSE)
            #expect(error.description.contains("Address already in use"))
        }
        #expect(throws: MessagingError.self) {
            try OwnedSocket(context: context, kind: .pub, bind: ["bogus://x"])
        }
        #expect(context.socketThreadCount == 1)
    }

    @Test func closeIsIdempotentAndEndsEverything() async throws {
        let context = try ZMQContext()
        let socket = try OwnedSocket(context: context, kind: .dealer, bind: [anyLocalPort])
        let consumer = Task { () -> Int in
            var count = 0
            for await _ in socket.messages { count += 1 }
            return count
        }
        socket.close()
        socket.close()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { socket.close() } }
        }
        #expect(socket.isClosed)
        #expect(await consumer.value == 0)
        #expect(throws: MessagingError.closed) { try socket.send([bytes("late")]) }
        await #expect(throws: MessagingError.closed) { try await socket.receive(timeout: .seconds(1)) }
        #expect(context.socketThreadCount == 0)
    }

    @Test func socketsCreatedAndClosedInALoopLeaveNoThreads() throws {
        let context = try ZMQContext()
        let threadsBefore = processThreadCount()
        for round in 0..<100 {
            let server = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
            let client = try OwnedSocket(
                context: context, kind: .dealer, connect: [server.boundEndpoints[0]])
            try client.send([bytes("\(round)")])
            client.close()
            if round.isMultiple(of: 2) { server.close() }  // the others are closed by deinit
        }
        #expect(context.socketThreadCount == 0)  // exact: every owner thread has finished
        // 200 owner threads were started; a leak would show as about that many. The margin is
        // for tests running in parallel, which start threads of their own.
        #expect(processThreadCount() < threadsBefore + 100)
    }

    @Test func contextShutdownStopsItsSockets() async throws {
        let context = try ZMQContext()
        let subscriber = try OwnedSocket(
            context: context, kind: .sub, options: SocketOptions(subscriptions: [""]),
            connect: ["tcp://127.0.0.1:1"])
        defer { subscriber.close() }
        // No peer ever answers on port 1, so this message stays queued on the owner thread.
        let dealer = try OwnedSocket(context: context, kind: .dealer, connect: ["tcp://127.0.0.1:1"])
        defer { dealer.close() }
        try dealer.send([bytes("never delivered")])
        let consumer = Task {
            for await _ in subscriber.messages {}
        }
        context.shutdown()
        await consumer.value
        #expect(
            await eventually { subscriber.isClosed && dealer.isClosed && context.socketThreadCount == 0 })
        #expect(throws: MessagingError.closed) { try dealer.send([bytes("x")]) }
        context.terminate()
        context.terminate()
        #expect(throws: MessagingError.closed) { try OwnedSocket(context: context, kind: .pub) }
    }
}

extension LifecycleTests {
    @Test func terminatingAContextWithOpenSocketsClosesThem() async throws {
        let context = try ZMQContext()
        let router = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
        defer { router.close() }
        let dealer = try OwnedSocket(
            context: context, kind: .dealer, connect: [router.boundEndpoints[0]])
        defer { dealer.close() }
        try dealer.send([bytes("ping")])
        #expect(try await router.receive(timeout: .seconds(10)).last == bytes("ping"))
        context.terminate()  // returns only once libzmq has closed both sockets
        #expect(router.isClosed && dealer.isClosed)
        #expect(context.socketThreadCount <= 2)  // finishing, then joined by close()
    }
}

/// Threads of this process right now, from /proc (Linux).
private func processThreadCount() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(
            decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("Threads:") {
            return Int(
                text.dropFirst("Threads:".count).trimmingPrefix(while: \.isWhitespace).prefix {
                    $0.isNumber
                }) ?? 0
        }
    }
    return 0
}
