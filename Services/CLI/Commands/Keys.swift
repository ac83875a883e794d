import ArgumentParser
import Foundation
import Messaging

/// `cosmic keys`: CURVE keypairs for secure mode.
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Make CURVE keypairs for secure mode.", subcommands: [Generate.self, Setup.self])

    /// `cosmic keys generate NAME`: writes NAME.key (secret, mode 0600) and NAME.pub, prints the public key.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a new keypair: NAME.key (secret, readable by you only) and NAME.pub; print the public key.",
            discussion: """
                Give NAME.pub (or the printed key) to whoever must recognise NAME: put it on the command \
                service's allow-list as "NAME <public key> <roles>". An existing key is never replaced.
                """)

        @Argument(help: "Whose keypair: a principal's name, or `command` for the command service's own.")
        var name: String

        @Option(help: "Folder to write into (created if missing; default: the current folder).")
        var dir: String = "."

        func validate() throws {
            guard !name.isEmpty, name.count <= 100, !name.contains("/"), !name.hasPrefix("."),
                name.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.value >= 0x20 })
            else { throw ValidationError("NAME must be 1 to 100 characters without spaces, slashes or a leading dot") }
        }

        func run() throws {
            try Keys.inFolder(dir) {
                let pair = try CurveKeyPair.generate()
                let paths = try CurveKeyFile.write(pair, name: name, into: dir)
                FileHandle.standardError.write(Data("wrote \(paths.secret) and \(paths.public)\n".utf8))
                print(pair.publicKey.z85)
            }
        }
    }
}

extension Keys {
    /// Runs `body` once `folder` exists (made mode 0700 if missing); any failure is bad input, said
    /// with the key file's own message when it is one.
    static func inFolder(_ folder: String, _ body: () throws -> Void) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try body()
        } catch let error as KeyFileError {
            throw fail(.badInput, error.description)
        } catch {
            throw fail(.badInput, "\(error)")
        }
    }

    /// `cosmic keys setup DIR`: a whole local or demo key folder, made once, as `scripts/run` and the
    /// compose file's `keys` service use it.
    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make what secure mode needs in DIR, keeping what is there: keypairs and an allow-list.",
            discussion: """
                Keypairs for the command service (command), the query service (query, role reader) and \
                each client principal, and an allow-list giving every client principal every role \
                (segregation of duties still holds: nobody approves their own order). Missing keys are \
                made; existing ones and an existing allow-list are kept, so an edited list survives. \
                For real use, give principals only the roles they need.
                """)

        @Argument(help: "The key folder (created, mode 0700, if missing).")
        var dir: String

        @Option(help: "Client principals, comma-separated.")
        var clients: String = "cli,alice,bob,carol"

        func run() throws {
            let clients = self.clients.split(separator: ",").map(String.init)
            let names = ["command", "query"] + clients
            let manager = FileManager.default
            try Keys.inFolder(dir) {
                var made: [String] = []
                for name in names where !manager.fileExists(atPath: path(name + ".key")) {
                    try CurveKeyFile.write(try CurveKeyPair.generate(), name: name, into: dir)
                    made.append(name)
                }
                let list = path("allow-list")
                if !manager.fileExists(atPath: list) {
                    let roles = "operator,requester,approver,clerk,reader"
                    var lines = ["# principal  public key  roles   (cosmic-command re-reads this file on SIGHUP)"]
                    lines.append("query \(try CurveKeyFile.readPublicKey(path("query.pub"))) reader")
                    for client in clients {
                        lines.append("\(client) \(try CurveKeyFile.readPublicKey(path(client + ".pub"))) \(roles)")
                    }
                    try (lines.joined(separator: "\n") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
                    made.append("allow-list")
                }
                print(made.isEmpty ? "\(dir): complete already" : "\(dir): made \(made.joined(separator: ", "))")
            }
        }

        private func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
    }
}
