import Foundation
import Testing

/// The layering of DESIGN.md, checked on the sources' own imports (in the spirit of ArchUnit), so
/// that it stays true as the code grows rather than by review alone.
@Suite struct LayeringTests {
    @Test func theDomainImportsNothingButTheStandardLibrary() throws {
        let offending = try imports(under: "Shared/Domain").filter { use in
            // Foundation is tolerated only with the reason written on the same line.
            !(use.module == "Foundation" && use.line.contains("//")) && !standardLibrary.contains(use.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test func contractsKnowTheDomainButNotTheTransportOrTheServices() throws {
        let offending = try imports(under: "Shared/Contracts").filter {
            !(["Domain", "Foundation"] + standardLibrary).contains($0.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test func theReadSideNeverImportsTheWriteSideOrPostgreSQL() throws {
        let offending = try imports(under: "Services/QueryService").filter {
            ["CommandService", "PostgresNIO", "Domain"].contains($0.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test func theClientSpeaksOnlyTheProtocol() throws {
        let offending = try imports(under: "Services/CLI").filter {
            ["CommandService", "QueryService", "PostgresNIO", "GRDB"].contains($0.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test func theMessagingLayerKnowsNothingOfTheModel() throws {
        let offending = try imports(under: "Shared/Messaging").filter {
            ["Domain", "Contracts", "CommandService", "QueryService"].contains($0.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test func theScanSeesTheSources() throws {
        // Guards the other tests against passing vacuously (a moved folder, a broken path).
        #expect(try swiftFiles(under: "Shared/Domain").count >= 5)
        #expect(try imports(under: "Services/CommandService").contains { $0.module == "Domain" })
    }
}

private let standardLibrary = ["Swift", "_Concurrency", "Synchronization"]

private struct Import: CustomStringConvertible {
    let file: String
    let module: String
    let line: String
    var description: String { "\(file): \(line)" }
}

private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func swiftFiles(under folder: String) throws -> [URL] {
    let root = packageRoot.appendingPathComponent(folder)
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
        throw CocoaError(.fileReadNoSuchFile)
    }
    return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
}

/// Every `import` in the folder's Swift files, including `@testable`, `@preconcurrency` and
/// kind-qualified forms (`import struct Foo.Bar`).
private func imports(under folder: String) throws -> [Import] {
    try swiftFiles(under: folder).flatMap { file -> [Import] in
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { raw in
            var words = raw.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { return nil }
            let kinds: Set = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            let module = String(path.split(separator: ".").first ?? "")
            return Import(file: file.lastPathComponent, module: module, line: String(raw))
        }
    }
}
