import Messaging
import Testing

@Suite struct PubSubTests {
    @Test func multipartRoundTripAndTopicFiltering() async throws {
        let context = try ZMQContext()
        let publisher = try OwnedSocket(context: context, kind: .pub, bind: [anyLocalPort])
        defer { publisher.close() }
        let endpoint = try #require(publisher.boundEndpoints.first)
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:") && !endpoint.hasSuffix(":*"))
        let subscriber = try OwnedSocket(
            context: context, kind: .sub, options: SocketOptions(subscriptions: ["events"]),
            connect: [endpoint])
        defer { subscriber.close() }

        // Slow joiner: whatever is published before the subscription reaches the publisher is
        // dropped, so publish until the first message makes it through.
        var first: Frames?
        let joined = try await eventually {
            try publisher.send([bytes("events"), bytes("warm-up")])
            first = try? await subscriber.receive(timeout: .milliseconds(20))
            return first != nil
        }
        #expect(joined)
        #expect(first == [bytes("events"), bytes("warm-up")])

        let payload: Frames = [bytes("events"), bytes("payload"), [], Array(0...255)]
        try publisher.send([bytes("other-topic"), bytes("must be filtered")])
        try publisher.send(payload)
        // One connection keeps order, so an unfiltered message would arrive before the payload.
        while true {
            let frames = try await subscriber.receive(timeout: .seconds(10))
            #expect(frames.first == bytes("events"))
            if frames.count > 1 && frames[1] == bytes("payload") {
                #expect(frames == payload)
                break
            }
        }
    }

    /// An XPUB greets every subscriber that connects with its welcome, before anything published
    /// after it connected; a new welcome greets those who connect from then on.
    @Test func anXPUBGreetsEachNewSubscriberFirst() async throws {
        let context = try ZMQContext()
        let publisher = try OwnedSocket(context: context, kind: .xpub, bind: [anyLocalPort])
        defer { publisher.close() }
        let endpoint = try #require(publisher.boundEndpoints.first)
        try publisher.setWelcome(bytes("hello 1"))
        #expect(throws: MessagingError.self) {
            try OwnedSocket(context: context, kind: .pub, bind: [anyLocalPort]).setWelcome(bytes("no"))
        }

        func firstMessages(expecting welcome: String) async throws {
            let subscriber = try OwnedSocket(
                context: context, kind: .sub, options: SocketOptions(subscriptions: [""]), connect: [endpoint])
            defer { subscriber.close() }
            var received: [Frames] = []
            let joined = try await eventually {
                try publisher.send([bytes("events"), bytes("after")])
                if let frames = try? await subscriber.receive(timeout: .milliseconds(20)) { received.append(frames) }
                return received.contains([bytes("events"), bytes("after")])
            }
            #expect(joined)
            #expect(received.first == [bytes(welcome)])
            #expect(received.filter { $0.count == 1 }.count == 1)
        }
        try await firstMessages(expecting: "hello 1")
        // Once something sent after the new welcome has gone out, the socket has taken the welcome up.
        let witness = try OwnedSocket(
            context: context, kind: .sub, options: SocketOptions(subscriptions: ["sync"]), connect: [endpoint])
        defer { witness.close() }
        func sent(_ marker: String) async throws -> Bool {
            try await eventually {
                try publisher.send([bytes(marker)])
                return (try? await witness.receive(timeout: .milliseconds(20))) == [bytes(marker)]
            }
        }
        #expect(try await sent("sync 1"))
        try publisher.setWelcome(bytes("hello 2"))
        #expect(try await sent("sync 2"))
        try await firstMessages(expecting: "hello 2")
    }

    @Test func subscriberWithoutSubscriptionsReceivesNothingAndCannotSend() async throws {
        let context = try ZMQContext()
        let subscriber = try OwnedSocket(context: context, kind: .sub, bind: [anyLocalPort])
        defer { subscriber.close() }
        #expect(throws: MessagingError.self) { try subscriber.send([bytes("x")]) }
        await #expect(throws: MessagingError.timeout) {
            try await subscriber.receive(timeout: .milliseconds(20))
        }
    }
}
