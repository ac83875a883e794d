import Contracts
import Domain
import Foundation
import Testing

/// The wire is JSON as RFC 8259 defines it, nothing more lenient; and an identifier is the same
/// thing on both sides of the system.
@Suite struct StrictJSONTests {
    /// The corpus under `Fixtures/not-json/`: one frame per file.
    static func corpus() throws -> [(name: String, bytes: Data)] {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("not-json")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bin") }
            .sorted().map { ($0, try Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    @Test func theCorpusCoversEveryKindOfNearJSON() throws {
        #expect(try Self.corpus().count >= 30)
    }

    @Test func everyFrameOfTheCorpusIsBadJSONOnTheCommandSocket() throws {
        for (name, frame) in try Self.corpus() {
            #expect(!JSONGrammar.isValid(frame), "\(name)")
            switch CommandCodec.decode(frame) {
            case .success(let decoded): Issue.record("\(name) was read as \(decoded.request.payload)")
            case .failure(let failure):
                #expect(failure.error.code == .badJSON, "\(name): \(failure.error)")
                #expect(failure.error.message == WireError.notJSON, "\(name)")
                #expect(failure.commandID == nil, "\(name)")
            }
        }
    }

    @Test func everyFrameOfTheCorpusIsBadJSONOnTheReplaySocket() throws {
        for (name, frame) in try Self.corpus() {
            switch ReplayCodec.decodeRequest(frame) {
            case .success(let request): Issue.record("\(name) was read as \(request)")
            case .failure(let error): #expect(error.code == .badJSON, "\(name): \(error)")
            }
        }
    }

    /// The grammar refuses nothing that is JSON: every golden fixture, and the edges of the grammar.
    @Test func everythingThatIsJSONPasses() throws {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let files = try #require(FileManager.default.enumerator(atPath: directory.path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
        #expect(files.count > 40)
        for file in files {
            #expect(JSONGrammar.isValid(try Data(contentsOf: directory.appendingPathComponent(file))), "\(file)")
        }
        let edges = [
            "0", "-0", "-0.0e+0", "1E-7", "123.456e78", #""""#, #""\u00e9\uD83D\uDE00\/\b\f\n\r\t\\\"""#,
            "\"é😀\"", "[]", "{}", " \t\r\n[ 1 , { \"a\" : [ null , true , false ] } ] \n", "null",
            String(repeating: "[", count: JSONGrammar.maximumDepth)
                + String(repeating: "]", count: JSONGrammar.maximumDepth),
        ]
        for edge in edges { #expect(JSONGrammar.isValid(Array(edge.utf8)), "\(edge)") }
        let tooDeep = JSONGrammar.maximumDepth + 1
        #expect(
            !JSONGrammar.isValid(
                Array((String(repeating: "[", count: tooDeep) + String(repeating: "]", count: tooDeep)).utf8)))
    }

    /// A valid request in valid JSON still reads as before (the grammar only ever refuses).
    @Test func aValidRequestIsStillRead() throws {
        let frame = Data(
            #"{"command_id": "c1", "type": "Allocate", "payload": {"orderid": "o1", "sku": "LAMP", "qty": 1}}"#.utf8)
        guard case .success(let decoded) = CommandCodec.decode(frame) else {
            Issue.record("refused")
            return
        }
        #expect(decoded.request.commandID == "c1")
    }

    // MARK: Identifiers

    /// One letter and 3,000 combining marks is one grapheme cluster but 3,001 scalars: refused on the
    /// write side as the read side would refuse to look it up.
    @Test func anIdentifierIsCountedInScalarsOnBothSides() {
        let stacked = "a" + String(repeating: "\u{0301}", count: 3000)
        #expect(stacked.count == 1)
        #expect(throws: DomainError.self) { try OrderID(stacked) }
        #expect(WireLimits.identifierProblem(stacked) != nil)
        let hundred = String(repeating: "é", count: IdentifierRule.maximumScalars)
        #expect((try? OrderID(hundred)) != nil)
        #expect(WireLimits.identifierProblem(hundred) == nil)
        #expect(WireLimits.identifierProblem(hundred + "x") != nil)
        #expect(throws: CommandDecodingError.self) {
            try JSONDecoder().decode(
                CommandRequest.self,
                from: Data(#"{"command_id": "\#(stacked)", "type": "Deallocate", "payload": {}}"#.utf8))
        }
    }

    /// `é` composed and decomposed are different identifiers, as PostgreSQL and SQLite compare them.
    @Test func identifiersAreEqualOnlyWhenTheirScalarsAre() throws {
        let composed = try BatchReference("caf\u{E9}")
        let decomposed = try BatchReference("cafe\u{301}")
        #expect(composed.rawValue == decomposed.rawValue)  // Swift's String equality: canonical
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(decomposed < composed)  // by scalar value: "e" < "é"
        #expect(try BatchReference("caf\u{E9}") == composed)
    }
}
