import Foundation
import NIOCore
import Synchronization

/// The dashboard's read-model part (everything but the sync state), encoded once per checkpoint.
///
/// With a million allocations the SQL is cheap (totals are kept, lists are bounded), but encoding
/// 200 SKUs, 200 batches, an hour of minutes and the feeds with JSONEncoder took several
/// milliseconds a request. That part changes only when the checkpoint moves, and every read is "as
/// of a checkpoint" anyway, so requests share the encoding of the newest one; only the sync state,
/// which moves on its own, is encoded per request.
final class DashboardCache: Sendable {
    /// One snapshot's JSON, field by field.
    struct Body: Sendable {
        let checkpoint: Int
        let batches: Data
        let eventsPerMinute: Data
        let recentActivity: Data
        let recentOutOfStock: Data
        let skus: Data
        let totals: Data
    }

    private let latest = Mutex<Body?>(nil)

    /// What a whole answer depends on besides the body: the sync state's generation and the apply
    /// rate it shows (which moves with time alone).
    struct AnswerKey: Equatable, Sendable {
        let checkpoint: Int
        let generation: UInt64
        let applyRate: Double
    }

    /// The last whole answer, for the event loop's fast path: between two changes of the sync state
    /// every request gets the same bytes, so they are spliced once and then only written.
    private let answer = Mutex<(key: AnswerKey, json: ByteBuffer)?>(nil)

    /// The cached body if it is at least as new as `checkpoint`; nil, reading nothing, otherwise.
    func cached(atLeast checkpoint: Int) -> Body? {
        latest.withLock { $0.flatMap { $0.checkpoint >= checkpoint ? $0 : nil } }
    }

    /// The answer for `key`, spliced by `render` when it is not the last one.
    func answer(for key: AnswerKey, render: () throws -> Data) rethrows -> ByteBuffer {
        if let last = answer.withLock({ $0 }), last.key == key { return last.json }
        let json = ByteBuffer(bytes: try render())
        answer.withLock { $0 = (key, json) }
        return json
    }

    /// The cached body if it is at least as new as `checkpoint` (what the subscriber says is
    /// committed), otherwise a fresh read, encoded and kept.
    func body(atLeast checkpoint: Int, read: () async throws -> (Int, ReadModel.DashboardBody)) async throws -> Body {
        if let cached = latest.withLock({ $0 }), cached.checkpoint >= checkpoint { return cached }
        let (at, body) = try await read()
        let fresh = Body(
            checkpoint: at, batches: try APIJSON.data(body.batches),
            eventsPerMinute: try APIJSON.data(body.eventsPerMinute),
            recentActivity: try APIJSON.data(body.recentActivity),
            recentOutOfStock: try APIJSON.data(body.recentOutOfStock), skus: try APIJSON.data(body.skus),
            totals: try APIJSON.data(body.totals))
        latest.withLock { cached in
            if (cached?.checkpoint ?? -1) < at { cached = fresh }
        }
        return fresh
    }
}

extension DashboardCache.Body {
    /// The whole `DashboardView` as JSON: the same bytes `APIJSON.data(view)` gives (snake_case keys in
    /// sorted order, compact), spliced from the cached fields and the sync state.
    func json(sync: Data, head: Int, lag: Int) -> Data {
        var json = Data()
        json.reserveCapacity(batches.count + skus.count + recentActivity.count + eventsPerMinute.count + 1024)
        func field(_ key: String, _ value: Data) {
            json.append(contentsOf: (json.isEmpty ? "{\"" : ",\"").utf8)
            json.append(contentsOf: key.utf8)
            json.append(contentsOf: "\":".utf8)
            json.append(value)
        }
        field("batches", batches)
        field("checkpoint", Data(String(checkpoint).utf8))
        field("events_per_minute", eventsPerMinute)
        field("head", Data(String(head).utf8))
        field("lag", Data(String(lag).utf8))
        field("recent_activity", recentActivity)
        field("recent_out_of_stock", recentOutOfStock)
        field("skus", skus)
        field("sync", sync)
        field("totals", totals)
        json.append(contentsOf: "}".utf8)
        return json
    }
}
