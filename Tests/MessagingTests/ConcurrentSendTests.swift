import Messaging
import Testing

@Suite struct ConcurrentSendTests {
    /// Many tasks share one socket; small high-water marks and a tiny receive buffer force the
    /// blocking (EAGAIN → POLLOUT) and backpressure paths. Each task's own order must survive.
    @Test func manyTasksSendThroughOneSocket() async throws {
        let context = try ZMQContext()
        let pull = try OwnedSocket(
            context: context, kind: .pull,
            options: SocketOptions(receiveHighWaterMark: 10, receiveBufferCapacity: 4),
            bind: [anyLocalPort])
        defer { pull.close() }
        let push = try OwnedSocket(
            context: context, kind: .push, options: SocketOptions(sendHighWaterMark: 10),
            connect: [pull.boundEndpoints[0]])
        defer { push.close() }

        let senders = 8
        let perSender = 500
        let collector = Task { () throws -> [Int: [Int]] in
            var received: [Int: [Int]] = [:]
            for _ in 0..<(senders * perSender) {
                let frames = try await pull.receive(timeout: .seconds(10))
                received[Int(text(frames[0])) ?? -1, default: []].append(Int(text(frames[1])) ?? -1)
            }
            return received
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    for index in 0..<perSender { try push.send([bytes("\(sender)"), bytes("\(index)")]) }
                }
            }
            try await group.waitForAll()
        }
        let received = try await collector.value
        #expect(received.count == senders)
        for sender in 0..<senders { #expect(received[sender] == Array(0..<perSender)) }
        #expect(push.droppedMessageCount == 0)
    }
}
