import Foundation

/// Thrown when a condition did not hold before its deadline.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let description: String
}

/// Waits until `condition` returns a value, checking every `interval`, for at most `timeout`.
/// Tests wait on conditions like this, never on fixed sleeps.
public func eventually<T>(
    _ what: String, timeout: Duration = .seconds(20), interval: Duration = .milliseconds(20),
    _ condition: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if let value = try await condition() { return value }
        } catch {
            lastError = error
        }
        if ContinuousClock.now >= deadline {
            throw DeadlineExceeded(
                description: "\(what): not reached within \(timeout)" + (lastError.map { " (last error: \($0))" } ?? "")
            )
        }
        try await Task.sleep(for: interval)
    }
}
