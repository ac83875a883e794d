import Foundation
import TestSupport
import Testing

/// compose/docker-compose.yml must stay valid for both Compose v2 (`docker compose`) and Debian's
/// docker-compose 1.29, and must configure the services with exactly the settings the binaries
/// accept (a misspelt variable would be silently ignored in a container). The file is parsed as
/// docker-compose 1.29 parses it (PyYAML, which resolves the `<<` merges), with no value that
/// Compose v2's YAML 1.2 would read otherwise; each compose implementation installed here also
/// validates it itself. scripts/compose-check runs it for real.
@Suite struct ComposeFileTests {
    static let root = Executables.packageRoot
    static let composeFile = root.appendingPathComponent("compose/docker-compose.yml")

    /// The services of the parsed file, by name.
    static func services() throws -> [String: [String: Any]] {
        let file = try parsed()
        return try #require(file["services"] as? [String: [String: Any]], "no services in \(file.keys)")
    }

    /// The file as docker-compose 1.29 reads it: `yaml.safe_load`, here printed as JSON.
    static func parsed() throws -> [String: Any] {
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let result = try run(python, ["-c", script, composeFile.path])
        #expect(result.status == 0, "python3 with PyYAML (Debian's python3-yaml, which scripts/test installs)")
        return try #require(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    /// Runs a program found on the PATH (or by its path) and returns its status and output.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func available(_ program: String, _ arguments: [String]) -> Bool {
        (try? run(program, arguments).status) == 0
    }

    static let composeV1 = available("docker-compose", ["version"])
    static let composeV2 = available("docker", ["compose", "version"])

    // MARK: What both Compose versions accept

    @Test func onlyTopLevelKeysComposeV1Accepts() throws {
        // docker-compose 1.29's schema: these, and extension fields `x-…`; a top-level `name:`
        // makes it refuse the whole file, so the project name lives in compose/.env.
        let allowed: Set = ["version", "services", "networks", "volumes", "secrets", "configs"]
        for key in try Self.parsed().keys {
            #expect(
                allowed.contains(key) || key.hasPrefix("x-"), "docker-compose 1.29 refuses the top-level key \(key)")
        }
        let environment = try String(contentsOf: Self.root.appendingPathComponent("compose/.env"), encoding: .utf8)
        #expect(environment.split(separator: "\n").contains("COMPOSE_PROJECT_NAME=cosmic"))
    }

    /// Compose v2 reads YAML 1.2 (Go's yaml.v3), docker-compose 1.29 YAML 1.1 (PyYAML): a plain
    /// scalar that YAML 1.1 reads as a boolean, an octal or base-60 number, or a number with
    /// underscores is a string or another number to v2 (`on`, `0755`, `8080:80` unquoted). None may
    /// appear, so both read every value the same.
    @Test func everyValueMeansTheSameInYAML11And12() throws {
        let script = #"""
            import re, sys, yaml
            only_yaml11 = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
                                     r"|[-+]?0[0-7_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
                                     r"|[-+]?[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?)$")
            def walk(node, path):
                if isinstance(node, yaml.ScalarNode):
                    if node.style is None and only_yaml11.match(node.value):
                        print(f"{path}: {node.value}")
                elif isinstance(node, yaml.SequenceNode):
                    for index, item in enumerate(node.value):
                        walk(item, f"{path}[{index}]")
                elif isinstance(node, yaml.MappingNode):
                    for key, value in node.value:
                        walk(key, path)
                        walk(value, f"{path}.{key.value}")
            walk(yaml.compose(open(sys.argv[1])), "")
            """#
        let result = try Self.run("python3", ["-c", script, Self.composeFile.path])
        #expect(result.status == 0, "python3 with PyYAML")
        #expect(
            result.output.isEmpty,
            "plain scalars that YAML 1.1 and 1.2 read differently (quote them):\n\(result.output)")
    }

    @Test(.enabled(if: composeV1)) func dockerCompose129AcceptsIt() throws {
        let result = try Self.run("docker-compose", ["-f", Self.composeFile.path, "config", "-q"])
        #expect(result.status == 0, "docker-compose config: \(result.output)")
    }

    @Test(.enabled(if: composeV2)) func dockerComposeV2AcceptsIt() throws {
        let result = try Self.run("docker", ["compose", "-f", Self.composeFile.path, "config"])
        #expect(result.status == 0, "docker compose config: \(result.output)")
        #expect(result.output.hasPrefix("name: cosmic"), "the project name, from compose/.env")
    }

    // MARK: Health, start order, shutdown and scaling

    /// Services that run once and exit (the key maker): others wait for them to complete.
    static func oneShot() throws -> Set<String> {
        Set(
            try services().values.flatMap { service in
                (service["depends_on"] as? [String: [String: String]] ?? [:])
                    .filter { $0.value["condition"] == "service_completed_successfully" }.keys
            })
    }

    @Test func everyServiceIsHealthCheckedWithAToolItsImageHas() async throws {
        let oneShot = try Self.oneShot()
        #expect(oneShot == ["keys"])
        for (name, service) in try Self.services() where !oneShot.contains(name) {
            let test = try #require((service["healthcheck"] as? [String: Any])?["test"] as? [String], "\(name)")
            if service["image"] as? String == "cosmic:latest" {
                // The image has no curl: `cosmic health` is the probe. Its command line must parse:
                // it answers healthy (0) or not (1), never a usage error (64).
                #expect(Array(test.prefix(3)) == ["CMD", "cosmic", "health"], "\(name): \(test)")
                let probe = try await Executables.run("cosmic", Array(test.dropFirst(2)))
                #expect([0, 1].contains(probe.status), "\(name): \(test) exited \(probe.status)")
            } else {
                #expect(test.joined(separator: " ").contains("pg_isready"), "\(name): \(test)")
            }
            #expect(service["stop_grace_period"] != nil, "\(name) needs a stop grace period")
        }
    }

    @Test func dependenciesWaitUntilHealthy() throws {
        let services = try Self.services()
        for (name, service) in services {
            let dependencies = service["depends_on"] as? [String: [String: String]] ?? [:]
            #expect(service["depends_on"] == nil || !dependencies.isEmpty, "\(name): depends_on in its long form")
            for (dependency, options) in dependencies where options["condition"] != "service_completed_successfully" {
                #expect(options["condition"] == "service_healthy", "\(name) → \(dependency)")
                #expect(services[dependency]?["healthcheck"] != nil, "\(dependency) has no health check")
            }
        }
        #expect((services["query"]?["depends_on"] as? [String: Any])?.isEmpty == false)
    }

    @Test func queryScalesAndFollowsEveryWriter() throws {
        let services = try Self.services()
        let query = try #require(services["query"])
        #expect(query["container_name"] == nil, "a fixed container name forbids --scale")
        // Each replica needs a host port of its own: a range, or none fixed.
        for port in query["ports"] as? [String] ?? [] {
            let host = port.split(separator: ":").dropLast().last.map(String.init) ?? ""
            #expect(host.isEmpty || host.contains("-"), "query publishes the fixed host port \(port)")
        }
        // No host port published twice.
        let published = services.values.flatMap { service -> [String] in service["ports"] as? [String] ?? [] }
            .compactMap { $0.split(separator: ":").dropLast().last.map(String.init) }
        #expect(Set(published).count == published.count, "\(published)")
        // The readers subscribe to every command instance, and replay from every one.
        let writers = services.filter { ($0.value["command"] as? [String])?.first == "cosmic-command" }.keys.sorted()
        #expect(writers.count >= 2)
        let environment = try #require(query["environment"] as? [String: String])
        for (variable, port) in [("COSMIC_EVENTS_ENDPOINT", 5556), ("COSMIC_REPLAY_ENDPOINT", 5557)] {
            let endpoints = Set((environment[variable] ?? "").split(separator: ",").map(String.init))
            #expect(endpoints == Set(writers.map { "tcp://\($0):\(port)" }), "\(variable)")
        }
    }

    /// CURVE on: the writers have their keypair and the allow-list, the readers theirs and the writers'
    /// public key, all from the volume the one-shot `keys` service fills, and the health checks use the
    /// CLI's keys from it.
    @Test func theServicesRunInSecureModeWithKeysTheKeysServiceMakes() throws {
        let services = try Self.services()
        let keys = try #require(services["keys"])
        #expect(keys["command"] as? [String] == ["cosmic", "keys", "setup", "/home/cosmic/keys"])
        #expect(keys["volumes"] as? [String] == ["keys:/home/cosmic/keys"])
        let expected: [String: [String: String]] = [
            "command": [
                "COSMIC_KEY_FILE": "/home/cosmic/keys/command.key", "COSMIC_ALLOW_LIST": "/home/cosmic/keys/allow-list",
            ],
            "command-2": [
                "COSMIC_KEY_FILE": "/home/cosmic/keys/command.key", "COSMIC_ALLOW_LIST": "/home/cosmic/keys/allow-list",
            ],
            "query": [
                "COSMIC_KEY_FILE": "/home/cosmic/keys/query.key",
                "COSMIC_SERVER_KEY_FILE": "/home/cosmic/keys/command.pub",
            ],
        ]
        for (name, variables) in expected {
            let service = try #require(services[name])
            let environment = service["environment"] as? [String: String] ?? [:]
            for (variable, value) in variables { #expect(environment[variable] == value, "\(name): \(variable)") }
            #expect(service["volumes"] as? [String] == ["keys:/home/cosmic/keys:ro"], "\(name)")
            let dependencies = service["depends_on"] as? [String: [String: String]] ?? [:]
            if name != "query" {
                #expect(dependencies["keys"]?["condition"] == "service_completed_successfully", "\(name)")
                let test = (service["healthcheck"] as? [String: Any])?["test"] as? [String] ?? []
                #expect(test.joined(separator: " ").contains("--key-dir /home/cosmic/keys"), "\(name): \(test)")
            }
        }
    }

    // MARK: Settings the binaries read

    @Test func everyVariableAndCommandIsOneTheBinariesAccept() async throws {
        let oneShot = try Self.oneShot()
        let services = try Self.services().filter { $0.value["image"] as? String == "cosmic:latest" }
        #expect(Set(services.keys) == ["keys", "command", "command-2", "query"], "\(services.keys)")
        for (name, service) in services where oneShot.contains(name) {
            let command = try #require(service["command"] as? [String], "\(name)")
            let help = try await Executables.run(command[0], Array(command.dropFirst().dropLast()) + ["--help"])
            #expect(help.status == 0, "\(name): \(command) --help")
        }
        for (name, service) in services where !oneShot.contains(name) {
            let command = try #require(service["command"] as? [String], "\(name)")
            let variables = (service["environment"] as? [String: Any] ?? [:]).keys.filter { $0.hasPrefix("COSMIC_") }
            let help = try await Executables.run(command[0], Array(command.dropFirst()) + ["--help"])
            #expect(help.status == 0, "\(name): \(command) --help")
            #expect(!variables.isEmpty)
            for variable in variables {
                #expect(help.output.contains(variable), "\(name) sets \(variable), which \(command[0]) does not read")
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
        let ownSettings: Set = ["COSMIC_STATE_DIR", "COSMIC_SECURE"]  // the script's own, not a service's
        for variable in used.subtracting(ownSettings) {
            #expect(known.contains(variable), "scripts/run sets \(variable), which no binary reads")
        }
    }

    // MARK: The image

    /// A folder the manifest builds from but the build stage does not copy fails only in
    /// `docker compose build`, long after the change: caught here instead.
    @Test func theImageCopiesEveryFolderTheManifestBuildsFrom() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let dockerfile = try String(
            contentsOf: Self.root.appendingPathComponent("compose/Dockerfile"), encoding: .utf8)
        let folders = Set(
            manifest.split(separator: "path: \"").dropFirst().compactMap { $0.split(separator: "/").first }
                .map(String.init))
        #expect(
            folders.isSuperset(of: ["Shared", "Services", "Tests", "Plugins"]), "the scan sees the manifest's paths")
        for folder in folders.sorted() {
            #expect(dockerfile.contains("COPY \(folder) \(folder)\n"), "compose/Dockerfile does not copy \(folder)/")
        }
    }

    @Test func theImageIsMultiStageNonRootAndStopsOnSIGTERM() throws {
        let dockerfile = try String(
            contentsOf: Self.root.appendingPathComponent("compose/Dockerfile"), encoding: .utf8)
        let instructions = dockerfile.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix(" ") }
        let stages = instructions.filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2, "a build stage and a runtime stage")
        let runtime = dockerfile[dockerfile.range(of: String(stages.last ?? ""))!.upperBound...]
            .split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .joined(separator: "\n")
        #expect(runtime.contains("USER cosmic"))
        #expect(runtime.contains("STOPSIGNAL SIGTERM"))
        #expect(!runtime.contains("curl ") && !runtime.contains("wget"), "no probe tools: cosmic health is the probe")
    }
}
