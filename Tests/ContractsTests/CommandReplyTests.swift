import Contracts
import Domain
import Foundation
import Testing

@Suite struct CommandReplyTests {
    @Test(arguments: replySamples)
    func fixtureDecodesToTheReply(_ sample: ReplySample) throws {
        let reply = try CommandCodec.decodeReply(Fixture.data(sample.fixture)).get()
        #expect(reply == sample.reply)
    }

    @Test(arguments: replySamples)
    func replyEncodesToTheFixture(_ sample: ReplySample) throws {
        try Fixture.expectSameJSON(CommandCodec.encode(sample.reply), as: sample.fixture)
    }

    @Test func failureTakesItsStatusFromTheCode() {
        #expect(
            CommandReply.failure(commandID: "c", error: WireError(code: .duplicateBatch, message: "")).status
                == .rejected)
        #expect(CommandReply.failure(commandID: "c", error: .shuttingDown).status == .error)
        #expect(CommandReply.failure(commandID: "c", error: .shuttingDown).error?.retryable == true)
    }

    @Test func aDecodingFailureBecomesAReplyEchoingTheCommandID() throws {
        let frame = Data(#"{"command_id": "c-7", "type": "Teleport", "payload": {}}"#.utf8)
        let failure = try #require(CommandCodec.decode(frame).failure)
        let reply = CommandReply.failure(failure)
        #expect(reply.commandID == "c-7")
        #expect(reply.status == .error)
        #expect(reply.error?.code == .unknownType)
        #expect(reply.result == nil && reply.position == nil)
    }

    @Test func anUnknownErrorCodeIsKeptReadableWithTheSendersRetryableFlag() throws {
        let frame = Data(
            #"{"command_id": "c", "status": "error", "error": {"code": "quota_exceeded", "message": "slow down", "retryable": true}}"#
                .utf8)
        let reply = try CommandCodec.decodeReply(frame).get()
        #expect(reply.error?.code == .internal)
        #expect(reply.error?.retryable == true)
        #expect(reply.error?.message.contains("quota_exceeded") == true)
    }
}
