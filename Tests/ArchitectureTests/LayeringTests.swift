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

    @Test func contractsImportNoTransport() throws {
        let offending = try imports(under: "Shared/Contracts").filter { transport.contains($0.module) }
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test func theReadSideNeverImportsTheWriteSideOrPostgreSQL() throws {
        let offending = try imports(under: "Services/QueryService").filter {
            (writeSide + postgreSQL + ["Domain"]).contains($0.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    /// Each bounded context's model is a folder of `Shared/Domain` (`Model/` is the shared kernel):
    /// a context's files name no type another context declares. They meet in events and policies.
    @Test func aContextsDomainUsesNoOtherContextsDomain() throws {
        let contexts = try contextFolders()
        let declared = try contexts.mapValues { files in Set(try files.flatMap(declaredTypes)) }
        var offending: [String] = []
        for (context, files) in contexts {
            let foreign = declared.filter { $0.key != context }.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            for file in files {
                let used = try identifiers(in: file).intersection(foreign)
                if !used.isEmpty { offending.append("\(context)/\(file.lastPathComponent): \(used.sorted())") }
            }
        }
        #expect(offending.isEmpty, "\(offending)")
        #expect(declared["Allocation"]?.contains("Product") == true)
    }

    /// The service layer knows the model and its own ports, nothing of adapters or transports.
    @Test func theServiceLayerImportsOnlyTheDomain() throws {
        let offending = try imports(under: "Services/CommandService/Sources/ServiceLayer").filter {
            !(["Domain", "Logging"] + standardLibrary).contains($0.module)
        }
        #expect(offending.isEmpty, "\(offending)")
    }

    /// Entrypoints reach the PostgreSQL adapters only through ports (`ServiceLayer/EventPositions.swift`,
    /// `Entrypoints/EventLogPages.swift`):
    /// they import no driver and name no adapter type.
    @Test func theEntrypointsUseNoAdapter() throws {
        let entrypoints = "Services/CommandService/Sources/Entrypoints"
        let offendingImports = try imports(under: entrypoints).filter { postgreSQL.contains($0.module) }
        #expect(offendingImports.isEmpty, "\(offendingImports)")
        let adapterTypes = Set(
            try swiftFiles(under: "Services/CommandService/Sources/Adapters").flatMap(declaredTypes))
        let offendingNames = try swiftFiles(under: entrypoints).compactMap { file -> String? in
            let used = try identifiers(in: file).intersection(adapterTypes)
            return used.isEmpty ? nil : "\(file.lastPathComponent): \(used.sorted())"
        }
        #expect(offendingNames.isEmpty, "\(offendingNames)")
        #expect(adapterTypes.contains("PostgresEventLog"))
    }

    /// Every form of `import` counts, whatever its attributes and access level.
    @Test func theScanSeesEveryFormOfImport() {
        let lines = [
            "import Domain", "internal import Domain", "public import Domain", "package import Domain",
            "private import Domain", "fileprivate import Domain", "@_implementationOnly import Domain",
            "@testable import Domain", "@preconcurrency internal import Domain", "@_spi(Private) public import Domain",
            "  import Domain", "import struct Domain.SKU", "@_exported import Domain", "import Domain // why",
        ]
        for line in lines { #expect(importedModule(line) == "Domain", "\(line)") }
        for line in ["// import Domain", "let imported = 1", "importer Domain", "/// see `import Domain`"] {
            #expect(importedModule(line) == nil, "\(line)")
        }
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
private let transport = ["Messaging", "CZeroMQ", "Hummingbird", "NIOCore", "NIOPosix"]
private let writeSide = ["CommandService", "cosmic_command"]
private let postgreSQL = ["PostgresNIO", "_ConnectionPoolModule"]

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

/// Every `import` in the folder's Swift files, in any form (see ``importedModule(_:)``).
private func imports(under folder: String) throws -> [Import] {
    try swiftFiles(under: folder).flatMap { file -> [Import] in
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { raw in
            importedModule(String(raw)).map { Import(file: file.lastPathComponent, module: $0, line: String(raw)) }
        }
    }
}

/// The module a line imports, nil when it imports none: attributes (`@testable`,
/// `@_implementationOnly`, `@preconcurrency`, `@_spi(…)`), access levels (`internal`, `public`,
/// `package`, …) and kinds (`import struct Foo.Bar`) are all seen through.
private func importedModule(_ line: String) -> String? {
    var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    let modifiers: Set = ["public", "package", "internal", "fileprivate", "private"]
    while let first = words.first, first.hasPrefix("@") || modifiers.contains(first) { words.removeFirst() }
    guard words.first == "import", words.count >= 2 else { return nil }
    let kinds: Set = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
    let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
    let module = String(path.split(separator: ".").first ?? "")
    return module.isEmpty ? nil : module
}

/// The bounded contexts of `Shared/Domain`, by folder (all but the shared kernel, `Model/`).
private func contextFolders() throws -> [String: [URL]] {
    let domain = "Shared/Domain"
    let folders = try FileManager.default.contentsOfDirectory(
        atPath: packageRoot.appendingPathComponent(domain).path)
    var contexts: [String: [URL]] = [:]
    for folder in folders where folder != "Model" && !folder.hasSuffix(".swift") {
        contexts[folder] = try swiftFiles(under: "\(domain)/\(folder)")
    }
    return contexts
}

/// The names of the types a file declares at its top level (nested ones are their owner's).
private func declaredTypes(_ file: URL) throws -> [String] {
    let text = try String(contentsOf: file, encoding: .utf8)
    let kinds: Set = ["struct", "enum", "class", "actor", "protocol", "typealias"]
    var names: [String] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("//") && !(line.first?.isWhitespace ?? true) {
        let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
        if let index = words.firstIndex(where: kinds.contains), index + 1 < words.count {
            names.append(words[index + 1])
        }
    }
    return names
}

/// Every identifier-like word of a file, comments excluded.
private func identifiers(in file: URL) throws -> Set<String> {
    let text = try String(contentsOf: file, encoding: .utf8)
    var words = Set<String>()
    for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
        let code = line.components(separatedBy: "//").first ?? ""
        words.formUnion(code.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
    }
    return words
}
