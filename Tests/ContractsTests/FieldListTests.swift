import Foundation
import Testing

@testable import Contracts

/// Each payload declares its wire fields once (``WirePayload/wireFields(_:)``); these tests check that
/// the quick path really runs on those declarations for every command and event type (it falls back
/// to Foundation silently, so the other tests would pass even if it never did).
@Suite struct FieldListTests {
    @Test(arguments: eventSamples)
    func everyEventTypeTakesTheQuickPath(_ sample: EventSample) throws {
        let payload = sample.envelope.payload
        let written = try #require(WireFastWriter.payload(payload))
        #expect(WireFastReader.payload(type: payload.type, written) == payload)
        #expect(WireFastReader.envelope(try #require(WireFastWriter.envelope(sample.envelope))) == sample.envelope)
    }

    @Test(arguments: commandSamples)
    func everyCommandTypeTakesTheQuickPath(_ sample: CommandSample) throws {
        let frame = try #require(WireFastWriter.request(sample.request))
        #expect(WireFastReader.request(frame) == sample.request)
        #expect(WireFastWriter.fingerprint(sample.request) != nil)
    }

    /// A field met twice, a field missing, a null where a string is needed and an unknown field in
    /// a request are the thorough reader's to judge.
    @Test func doubtfulPayloadsAreLeftToTheThoroughReader() {
        let doubtful = [
            #"{"orderid":"o","sku":"S","qty":1,"qty":2}"#, #"{"orderid":"o","qty":1}"#,
            #"{"orderid":null,"sku":"S","qty":1}"#,
        ]
        for json in doubtful {
            #expect(WireFastReader.payload(type: .outOfStock, Array(json.utf8)) == nil, "\(json)")
        }
        let unknown = #"{"command_id":"c","payload":{"orderid":"o","qty":2,"sku":"S","x":1},"type":"Allocate"}"#
        #expect(WireFastReader.request(Array(unknown.utf8)) == nil)
    }
}
