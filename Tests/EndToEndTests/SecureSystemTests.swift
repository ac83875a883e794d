import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Secure mode with the real executables, keys made by `cosmic keys generate`: the query service reads
/// as `reader`, the CLI signs each command with the key of the principal it names, SIGHUP revokes,
/// and a secret key others can read stops every program before it does anything.
@Suite struct SecureSystemTests {
    /// Keys for `names` in `folder`, made by the CLI; returns each public key.
    static func generateKeys(_ names: [String], in folder: String) async throws -> [String: String] {
        var keys: [String: String] = [:]
        for name in names {
            let made = try await Executables.run("cosmic", ["keys", "generate", name, "--dir", folder])
            #expect(made.status == 0)
            keys[name] = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return keys
    }

    static func writeAllowList(_ path: String, _ lines: [(String, String, String)]) throws {
        try lines.map { "\($0.0) \($0.1) \($0.2)" }.joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aSecureSystemServesItsPrincipalsAndSIGHUPRevokes() async throws {
        var everyone: [(String, String, String)] = []
        try await withSecureSystemAndQuery(makeKeys: { keys in
            let publicKeys = try await Self.generateKeys(["command", "query", "cli", "alice", "bob"], in: keys)
            everyone = [
                ("query", publicKeys["query"]!, "reader"), ("cli", publicKeys["cli"]!, "operator,clerk,reader"),
                ("alice", publicKeys["alice"]!, "requester"), ("bob", publicKeys["bob"]!, "approver"),
            ]
            try Self.writeAllowList(keys + "/allow-list", everyone)
        }) { command, query, keys in
            let allowList = keys + "/allow-list"
            func cosmic(_ arguments: [String], timeout: Int = 30) async throws -> (status: Int32, output: String) {
                try await Executables.run(
                    Executables.url("cosmic"),
                    arguments + [
                        "--command-endpoint", command.commandEndpoint, "--key-dir", keys, "--timeout", "\(timeout)",
                    ], withStandardError: true)
            }

            _ = try await eventually("the command service serves") {
                try await cosmic(["add-batch", "b1", "LAMP", "20"]).status == 0 ? true : nil
            }
            #expect(try await cosmic(["allocate", "o1", "LAMP", "5"]).status == 0)
            #expect(try await cosmic(["supplier", "create", "ACME", "Acme", "EUR"]).status == 0)
            let order = try await cosmic([
                "po", "create", "PO-1", "--supplier", "ACME", "--expected", "2027-01-15", "--as", "alice",
            ])
            #expect(order.status == 0, "\(order.output)")
            let notHers = try await cosmic(["add-batch", "b2", "LAMP", "1", "--as", "alice"])
            #expect(notHers.status == 2)
            #expect(notHers.output.contains("(forbidden)"), "\(notHers.output)")
            let nobody = try await cosmic(["add-batch", "b3", "LAMP", "1", "--as", "carol"])
            #expect(nobody.status == 2)
            #expect(nobody.output.contains("carol.key"), "\(nobody.output)")

            // The query service reads over CURVE as `reader`: it reaches the head (4 events).
            _ = try await eventually("cosmic-query catches up") {
                try await query.health().checkpoint == 4 ? true : nil
            }
            #expect(try await query.stock("LAMP")?.allocated == 5)

            try Self.writeAllowList(allowList, everyone.filter { $0.0 != "cli" })
            command.signal(SIGHUP)
            _ = try await command.waitForLog(matching: "Allow-list reloaded")
            // A new connection with a revoked key gets no answer at all (the handshake is refused).
            let revoked = try await cosmic(["allocate", "o2", "LAMP", "1"], timeout: 1)
            #expect(revoked.status == 3)
            #expect(revoked.output.contains("allow-list"), "\(revoked.output)")
            // Every refusal is logged: the wrong role, and the revoked key's handshake (waited for: the
            // log may lag behind the answer the CLI got).
            _ = try await command.waitForLog(matching: "Request refused")
            _ = try await command.waitForLog(matching: "Connection refused")
            #expect(try await query.health().checkpoint == 4)
        }
    }

    @Test func aSecretKeyOthersCanReadStopsEveryProgramAtStart() async throws {
        try await withTemporaryDirectory { directory in
            let keys = directory.appendingPathComponent("keys").path
            _ = try await Self.generateKeys(["command", "cli"], in: keys)
            let allowList = directory.appendingPathComponent("allow-list").path
            try Self.writeAllowList(allowList, [])
            for name in ["command", "cli"] {
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: "\(keys)/\(name).key")
            }
            let runs = [
                (
                    "cosmic-command",
                    [
                        "--database-url", "postgres://nobody@127.0.0.1:1/none", "--key-file", keys + "/command.key",
                        "--allow-list", allowList,
                    ]
                ),
                (
                    "cosmic-query",
                    ["serve", "--key-file", keys + "/cli.key", "--server-key-file", keys + "/command.pub"]
                ),
                ("cosmic", ["add-batch", "b1", "LAMP", "1", "--key-dir", keys]),
            ]
            for (program, arguments) in runs {
                let run = try await Executables.run(Executables.url(program), arguments, withStandardError: true)
                #expect(run.status != 0, "\(program)")
                #expect(run.output.contains("chmod 600"), "\(program): \(run.output)")
            }
        }
    }
}
