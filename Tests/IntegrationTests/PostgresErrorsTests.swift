import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import CommandService

/// Operators read PostgreSQL's failures in the service's logs: by SQLSTATE and message, not by the
/// one generic text PostgresNIO gives every `PSQLError`.
@Suite struct PostgresErrorsTests {
    @Test func aServerErrorIsLoggedWithItsStateAndMessage() async throws {
        try await TestDatabase.withFreshDatabase { url in
            try await TestDatabase.withClient(url) { client in
                let error = await #expect(throws: PSQLError.self) {
                    try await client.query("SELECT * FROM no_such_table", logger: ServiceHarness.logger).collect()
                }
                let failure = try #require(error)
                let expected = #"42P01: relation "no_such_table" does not exist"#
                #expect(PostgresErrors.describe(failure) == expected)
                #expect(Logger.MetadataValue.error(failure).description == expected)
            }
        }
    }

    @Test func otherErrorsKeepTheirOwnDescription() {
        #expect(
            PostgresErrors.describe(UnitOfWorkError.unavailable("down")) == "\(UnitOfWorkError.unavailable("down"))")
    }
}
