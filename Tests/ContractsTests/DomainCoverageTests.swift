import Contracts
import Domain
import Foundation
import Testing

/// Every command and event the Domain declares must have a wire form. The Domain's source is the
/// list (Swift cannot enumerate a protocol's conformers), so a new type fails here until mapped.
@Suite struct DomainCoverageTests {
    static let domainDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Shared/Domain")

    /// Names of the Domain types declared as conforming to one of `protocols`.
    static func domainTypes(conformingTo protocols: Set<String>) throws -> Set<String> {
        let files = try #require(FileManager.default.enumerator(at: domainDirectory, includingPropertiesForKeys: nil))
        var names: Set<String> = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in source.matches(of: /(?:struct|enum|class|actor)\s+(\w+)\s*:\s*([^{]+)\{/) {
                let conformances = match.output.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if conformances.contains(where: protocols.contains) { names.insert(String(match.output.1)) }
            }
        }
        return names
    }

    @Test func everyDomainEventHasAnEventType() throws {
        let events = try Self.domainTypes(conformingTo: ["Event", "ProductEvent", "ProcurementEvent"])
        #expect(!events.isEmpty)
        #expect(events == Set(EventType.allCases.map(\.rawValue)))
    }

    @Test func everyDomainCommandHasACommandType() throws {
        let commands = try Self.domainTypes(conformingTo: ["Command"])
        #expect(!commands.isEmpty)
        #expect(commands == Set(CommandType.allCases.map(\.rawValue)))
    }

    @Test func everyEventTypeHasAMappedSample() {
        #expect(Set(eventSamples.map(\.envelope.type)) == Set(EventType.allCases))
        for sample in eventSamples {
            #expect((try? EventPayload(sample.event))?.type.rawValue == String(describing: type(of: sample.event)))
        }
    }

    @Test func everyCommandTypeHasAMappedSample() {
        #expect(Set(commandSamples.map(\.request.type)) == Set(CommandType.allCases))
        for sample in commandSamples {
            #expect(
                (try? CommandPayload(sample.command))?.type.rawValue == String(describing: type(of: sample.command)))
        }
    }

    struct Unmapped: Event, Command { var aggregateID: String { "X" } }

    @Test func anUnmappedTypeIsAnErrorNotACrash() {
        #expect(throws: UnmappedDomainType.self) { try EventPayload(Unmapped()) }
        #expect(throws: UnmappedDomainType.self) { try CommandRequest(commandID: "c", command: Unmapped()) }
    }
}
