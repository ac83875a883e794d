import Foundation
import PackagePlugin

/// Turns each `*.registry` file of a target into Swift: the wire's tagged unions (`EventType` and
/// `EventPayload`, `CommandType` and `CommandPayload`) and the switches that dispatch on them.
///
/// Why generated: an enum's cases cannot be spread over files, and a switch over them must name each
/// one. Written by hand, a new event type was a line in four places; with the registry it is one
/// line, and the compiler still sees plain enums (exhaustive `switch`, no boxing, no dynamic casts).
@main
struct WireRegistry: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let generator = try context.tool(named: "WireRegistryGenerator").url
        return target.sourceFiles.filter { $0.url.pathExtension == "registry" }.map { registry in
            let name = registry.url.deletingPathExtension().lastPathComponent
            let output = context.pluginWorkDirectoryURL.appending(path: "\(name)+Registry.swift")
            return .buildCommand(
                displayName: "Generating \(output.lastPathComponent) from \(registry.url.lastPathComponent)",
                executable: generator,
                arguments: [registry.url.path, output.path],
                inputFiles: [registry.url],
                outputFiles: [output])
        }
    }
}
