import Foundation
import Hummingbird

/// Read-your-writes: a client that got `position: N` from a command reply asks for a read at least
/// at N with `?min_position=N` or the header `X-Min-Position: N`. The handler waits (never longer
/// than the configured maximum) until the checkpoint reaches N, then answers from a snapshot that
/// includes N; if the wait runs out it answers 503 `stale_read` instead of old data.
struct ReadYourWrites: Sendable {
    let sync: SyncState
    let maxWait: Duration
    let metrics: QueryMetrics

    /// Positions are 64-bit on the wire but stay below 2^53 in practice (JSON numbers).
    static let largestPosition = 1 << 53

    /// The requested minimum position, if any; throws 400 `invalid_parameter` for a bad one.
    static func minimumPosition(of request: Request) throws -> Int? {
        var values: [(String, String)] = request.uri.queryParameters.getAll("min_position").map {
            ("min_position", $0)
        }
        values += request.headers[values: .minPosition].map { ("X-Min-Position", $0) }
        var minimum: Int?
        for (name, text) in values {
            guard let value = position(text) else {
                throw APIError.invalidParameter(
                    "min_position", "\(name) must be a whole number from 0 to 2^53 in plain digits, got \"\(text)\"")
            }
            minimum = max(minimum ?? 0, value)
        }
        return minimum
    }

    /// One value of `min_position` or `X-Min-Position` as this API accepts it (``wholeNumber(_:)``,
    /// at most ``largestPosition``), or nil: for the router and the event loop's answers alike.
    static func position(_ text: String) -> Int? {
        wholeNumber(text).flatMap { $0 <= largestPosition ? $0 : nil }
    }

    /// Plain decimal digits, as the OpenAPI's pattern `^(0|[1-9][0-9]*)$` says: no sign, no
    /// spaces, no leading zeros.
    static func wholeNumber(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count <= 16, digits.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }),
            digits[0] != UInt8(ascii: "0") || digits.count == 1
        else { return nil }
        return Int(text)
    }

    /// Returns once the checkpoint is at least the request's minimum position; throws `stale_read`.
    func awaitMinimumPosition(of request: Request) async throws {
        guard let required = try Self.minimumPosition(of: request) else { return }
        if sync.status.checkpoint >= required { return }
        metrics.readsWaited.increment()
        if await sync.waitForCheckpoint(atLeast: required, timeout: maxWait) { return }
        metrics.staleReads.increment()
        throw APIError.stale(required: required, checkpoint: sync.status.checkpoint, waited: maxWait)
    }
}
