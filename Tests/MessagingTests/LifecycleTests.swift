import Foundation
import Messaging
import TestSupport
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

    @Test func socketsCreatedAndClosedInALoopLeaveNoThreads() async throws {
        // The loop runs on a thread of its own with a name of its own, which every thread started
        // from it inherits (Linux copies a thread's name to the threads it creates): counting the
        // threads that still carry the name is exact, whatever tests running alongside start.
        let name = "leak-\(UInt32.random(in: 0...99_999))"
        let (socketThreads, named) = try await offThePool { () throws -> (Int, Int) in
            try nameThisThread(name)
            let context = try ZMQContext()
            for round in 0..<100 {
                let server = try OwnedSocket(context: context, kind: .router, bind: [anyLocalPort])
                let client = try OwnedSocket(
                    context: context, kind: .dealer, connect: [server.boundEndpoints[0]])
                try client.send([bytes("\(round)")])
                client.close()
                if round.isMultiple(of: 2) { server.close() }  // the others are closed by deinit
            }
            let socketThreads = context.socketThreadCount
            context.terminate()  // libzmq's own threads end too
            return (socketThreads, threadsNamed(name))
        }
        #expect(socketThreads == 0)  // exact: every owner thread has finished
        // 200 owner threads were started and joined: only the loop's own thread is left.
        #expect(named == 1)
    }

    @Test func contextShutdownStopsItsSockets() async throws {
        let folder = try EndpointFolder()
        defer { folder.remove() }
        let context = try ZMQContext()
        let subscriber = try OwnedSocket(
            context: context, kind: .sub, options: SocketOptions(subscriptions: [""]),
            connect: [folder.nobody])
        defer { subscriber.close() }
        // No peer ever answers there, so this message stays queued on the owner thread.
        let dealer = try OwnedSocket(context: context, kind: .dealer, connect: [folder.nobody])
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

/// Names the calling thread (`pthread_setname_np` is not visible to Swift on Glibc).
private func nameThisThread(_ name: String) throws {
    guard let file = fopen("/proc/thread-self/comm", "w") else { throw MessagingError.invalid("no /proc/thread-self") }
    defer { fclose(file) }
    fputs(name, file)
}

/// Threads of this process named `name` right now, from /proc (Linux).
private func threadsNamed(_ name: String) -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    // A thread may end between the listing and the read: it no longer counts.
    return tasks.filter { task in
        let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
        return comm?.trimmingCharacters(in: .newlines) == name
    }.count
}
