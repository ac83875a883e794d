import Foundation
import TestSupport
import Testing

/// compose/docker-compose.yml must configure the services with exactly the settings the binaries
/// accept: a misspelt variable would be silently ignored in a container, so it is caught here.
@Suite struct ComposeFileTests {
    /// Each service of the compose file: its command line and the COSMIC_* variables it sets.
    struct ComposeService {
        var command: [String] = []
        var variables: [String] = []
    }

    func services() throws -> [String: ComposeService] {
        let text = try String(
            contentsOf: Executables.packageRoot.appendingPathComponent("compose/docker-compose.yml"), encoding: .utf8)
        var services: [String: ComposeService] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            let content = line.trimmingCharacters(in: .whitespaces)
            if content.hasPrefix("#") || content.isEmpty { continue }
            if indent == 0 { current = nil }
            if indent == 2, content.hasSuffix(":"), line.hasPrefix("  ") {
                current = String(content.dropLast())
                continue
            }
            guard let name = current else { continue }
            if content.hasPrefix("command: [") {
                let list = content.dropFirst("command:".count).trimmingCharacters(in: .whitespaces)
                services[name, default: ComposeService()].command = try JSONDecoder().decode(
                    [String].self, from: Data(list.utf8))
            } else if content.hasPrefix("COSMIC_"), let key = content.split(separator: ":").first {
                services[name, default: ComposeService()].variables.append(String(key))
            }
        }
        return services
    }

    @Test func everyVariableAndCommandIsOneTheBinariesAccept() async throws {
        let services = try services()
        let cosmicServices = services.filter { !$0.value.command.isEmpty }
        #expect(Set(cosmicServices.keys) == ["command", "query"], "\(services.keys)")
        for (name, service) in cosmicServices {
            let executable = service.command[0]
            let help = try await Executables.run(executable, Array(service.command.dropFirst()) + ["--help"])
            #expect(help.status == 0, "\(name): \(service.command) --help")
            #expect(!service.variables.isEmpty)
            for variable in service.variables {
                #expect(help.output.contains(variable), "\(name) sets \(variable), which \(executable) does not read")
            }
        }
    }

    @Test func theNativeRunUsesOnlyVariablesTheBinariesRead() async throws {
        let script = try String(
            contentsOf: Executables.packageRoot.appendingPathComponent("scripts/run"), encoding: .utf8)
        let known =
            try await Executables.run("cosmic-command", ["--help"]).output
            + Executables.run("cosmic-query", ["serve", "--help"]).output
            + Executables.run("cosmic", ["events", "--help"]).output
        let pattern = try Regex("COSMIC_[A-Z_]+")
        let used = Set(script.matches(of: pattern).map { String(script[$0.range]) })
        let ownSettings: Set = ["COSMIC_STATE_DIR"]  // the script's own, not a service's
        for variable in used.subtracting(ownSettings) {
            #expect(known.contains(variable), "scripts/run sets \(variable), which no binary reads")
        }
    }
}
