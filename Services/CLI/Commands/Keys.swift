import ArgumentParser
import Foundation
import Messaging

/// `cosmic keys`: CURVE keypairs for secure mode.
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Make CURVE keypairs for secure mode.", subcommands: [Generate.self])

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
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let pair = try CurveKeyPair.generate()
                let paths = try CurveKeyFile.write(pair, name: name, into: dir)
                FileHandle.standardError.write(Data("wrote \(paths.secret) and \(paths.public)\n".utf8))
                print(pair.publicKey.z85)
            } catch let error as KeyFileError {
                throw fail(.badInput, error.description)
            } catch {
                throw fail(.badInput, "\(error)")
            }
        }
    }
}
