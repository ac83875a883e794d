import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import CommandService

/// `sslmode` in COSMIC_DATABASE_URL is honoured, against the test cluster, which speaks TLS with a
/// certificate of a throwaway authority (scripts/lib.sh, COSMIC_TEST_DATABASE_CA).
private let testAuthority = ProcessInfo.processInfo.environment["COSMIC_TEST_DATABASE_CA"]

@Suite(.enabled(if: testAuthority != nil || FullSuite.required))
struct DatabaseTLSTests {

    /// Whether the pool's connection and a dedicated session (the relay's kind) run over TLS, in
    /// that order.
    func encrypted(_ url: String) async throws -> [Bool] {
        let settings = try DatabaseURL.settings(url)
        let logger = Logger(label: "tls-test")
        let query: PostgresQuery = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        let session = try await PostgresConnection.connect(
            configuration: settings.dedicatedConnection(connectTimeout: .seconds(5)), id: 1, logger: logger)
        var sessionSSL = false
        for try await ssl in try await session.query(query, logger: logger).decode(Bool.self) { sessionSSL = ssl }
        try await session.close()
        let client = PostgresClient(configuration: settings.pool, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            var poolSSL = false
            for try await ssl in try await client.query(query, logger: logger).decode(Bool.self) { poolSSL = ssl }
            group.cancelAll()
            return [poolSSL, sessionSSL]
        }
    }

    @Test func eachSSLModeDoesWhatLibpqsDoes() async throws {
        let authority = try #require(testAuthority, "scripts/test sets COSMIC_TEST_DATABASE_CA")
        try await TestDatabase.withFreshDatabase { url async throws in
            #expect(try await encrypted(url) == [false, false], "no sslmode: TLS off, as before")
            #expect(try await encrypted(url + "?sslmode=disable") == [false, false])
            #expect(try await encrypted(url + "?sslmode=prefer") == [true, true])
            #expect(try await encrypted(url + "?sslmode=require") == [true, true])
            #expect(try await encrypted(url + "?sslmode=verify-ca&sslrootcert=\(authority)") == [true, true])
            #expect(try await encrypted(url + "?sslmode=verify-full&sslrootcert=\(authority)") == [true, true])
            // The system's roots do not know the test authority: verifying must fail, never fall back.
            await #expect(throws: (any Error).self) { try await encrypted(url + "?sslmode=verify-full") }
        }
    }

    @Test func badTLSSettingsAreRefusedAtStart() throws {
        let url = "postgres://cosmic@127.0.0.1:5432/cosmic"
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL.settings(url + "?sslmode=sometimes") }
        #expect(throws: DatabaseURL.Invalid.self) {
            try DatabaseURL.settings(url + "?sslmode=verify-full&sslrootcert=/no/such/file.crt")
        }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL.settings(url + "?ssl=true") }
    }
}
