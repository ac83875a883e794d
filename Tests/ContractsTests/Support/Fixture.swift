import Contracts
import Foundation
import Testing

/// Golden JSON files under `Fixtures/`, copied into the test bundle.
enum Fixture {
    static func data(_ name: String) throws -> Data {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// Expects `encoded` to be the same JSON document as the fixture.
    static func expectSameJSON(_ encoded: Data, as name: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let expected = try JSONValue(data(name))
        let actual = try JSONValue(encoded)
        #expect(actual == expected, "\(name): encoded \(actual)", sourceLocation: sourceLocation)
    }
}
