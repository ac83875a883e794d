import Foundation

/// Whether this run must run every test. A few suites need a tool from outside Swift (Chromium,
/// Python's jsonschema) and skip on a developer machine without it; `scripts/test`, which installs
/// those tools, sets `COSMIC_FULL_SUITE=1` (as does a CI that sets `CI`), and then such a suite runs
/// and fails loudly instead of being skipped.
public enum FullSuite {
    public static let required: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return environment["COSMIC_FULL_SUITE"] == "1" || environment["CI"] != nil
    }()
}
