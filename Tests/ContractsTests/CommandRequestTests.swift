import Contracts
import Domain
import Foundation
import Testing

@Suite struct CommandRequestTests {
    @Test(arguments: commandSamples)
    func fixtureDecodesToTheDomainCommand(_ sample: CommandSample) throws {
        let decoded = try CommandCodec.decode(Fixture.data(sample.fixture)).get()
        #expect(decoded.commandID == sample.request.commandID)
        #expect(decoded.type == sample.request.type)
        #expect(decoded.request == sample.request)
        #expect(same(decoded.command, sample.command), "\(decoded.command)")
    }

    @Test(arguments: commandSamples)
    func requestEncodesToTheFixture(_ sample: CommandSample) throws {
        try Fixture.expectSameJSON(CommandCodec.encode(sample.request), as: sample.fixture)
    }

    @Test(arguments: commandSamples)
    func domainCommandRoundTrips(_ sample: CommandSample) throws {
        let request = try CommandRequest(commandID: "retry-me", command: sample.command)
        let decoded = try CommandCodec.decode(CommandCodec.encode(request)).get()
        #expect(decoded.request == request)
        #expect(same(decoded.command, sample.command))
    }

    @Test func unknownFieldsAreIgnoredAndSchemaVersionDefaultsToOne() throws {
        let json = """
            {"command_id": "c1", "type": "Allocate", "trace": {"span": 7},
             "payload": {"orderid": "o1", "sku": "LAMP", "qty": 3, "note": "rush"}}
            """
        let decoded = try CommandCodec.decode(Data(json.utf8)).get()
        #expect(decoded.request.schemaVersion == 1)
        #expect(same(decoded.command, try Allocate(orderID: order("o1"), sku: sku("LAMP"), quantity: 3)))
    }

    @Test func wholeNumbersWrittenWithAFractionOrExponentAreAccepted() throws {
        let json = #"{"command_id": "c1", "type": "Allocate", "payload": {"orderid": "o1", "sku": "LAMP", "qty": 1e1}}"#
        let decoded = try CommandCodec.decode(Data(json.utf8)).get()
        #expect(same(decoded.command, try Allocate(orderID: order("o1"), sku: sku("LAMP"), quantity: 10)))
    }

    @Test func fingerprintIgnoresTheCommandIDAndWhatAReaderIgnores() throws {
        let canonical = try CommandCodec.decode(Fixture.data("commands/allocate.json")).get().request
        let json = """
            {"command_id": "another", "type": "Allocate", "extra": 1,
             "payload": {"qty": 2.0, "sku": "SMALL-TABLE", "orderid": "order-123"}}
            """
        let variant = try CommandCodec.decode(Data(json.utf8)).get().request
        #expect(variant.fingerprint == canonical.fingerprint)

        var different = canonical
        different.payload = .allocate(AllocatePayload(orderID: "order-123", sku: "SMALL-TABLE", quantity: 3))
        #expect(different.fingerprint != canonical.fingerprint)
        #expect(
            canonical.fingerprint
                == #"{"payload":{"orderid":"order-123","qty":2,"sku":"SMALL-TABLE"},"schema_version":1,"type":"Allocate"}"#
        )
    }

    @Test func encodingIsDeterministic() throws {
        let request = commandSamples[0].request
        #expect(
            String(decoding: CommandCodec.encode(request), as: UTF8.self)
                == #"{"command_id":"0b6f1a52-8c1e-4d47-9a57-3c1d2f1e0001","payload":{"eta":"2026-12-01","qty":20,"ref":"batch-001","sku":"SMALL-TABLE"},"schema_version":1,"type":"CreateBatch"}"#
        )
    }

    @Test func rawFieldsMayHoldWhatTheServiceWillRefuse() throws {
        let request = CommandRequest(
            commandID: "c1", payload: .allocate(AllocatePayload(orderID: "o1", sku: "", quantity: -5)))
        let failure = try #require(CommandCodec.decode(CommandCodec.encode(request)).failure)
        #expect(failure.commandID == "c1")
        #expect(failure.error.code == .invalidField)
        #expect(failure.error.field == "sku")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
