import Messaging

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Every test binds here, so the OS picks a free port and tests never collide.
let anyLocalPort = "tcp://127.0.0.1:*"

/// Polls `condition` until it holds or `limit` passes; returns whether it held.
/// Used instead of fixed sleeps: fast when things work, bounded when they do not (generously: a
/// busy machine running the whole suite may stall a thread for seconds).
func eventually(within limit: Duration = .seconds(60), _ condition: () async throws -> Bool)
    async rethrows -> Bool
{
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
