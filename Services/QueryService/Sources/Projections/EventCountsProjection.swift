import Contracts
import Foundation
import GRDB

/// Events and units per minute of event time and per type: the series behind the activity chart,
/// which shows the hour up to the latest minute with events. Added up over the batch and written
/// once by ``flush(_:)``, which keeps only that hour: a catch-up through a year of history writes
/// the minutes of its last hour, not a row per minute and type of the whole year.
enum EventCountsProjection: Projection {
    /// Minutes kept, the latest one included: the chart's sixty points.
    static let retainedMinutes: Int64 = 60

    /// Numbers, not the minute's text: the key is hashed for every event, the text made once per
    /// batch and minute.
    struct Key: Hashable {
        let epochMinute: Int64
        let type: EventType

        /// The start of the minute as text (the charts' bucket).
        var minute: String { Self.minute(epochMinute) }

        static func minute(_ epochMinute: Int64) -> String {
            Timestamps.format(Date(timeIntervalSince1970: Double(epochMinute) * 60))
        }
    }

    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        let units =
            switch event.payload {
            case .batchCreated(let p): p.quantity
            case .allocated(let p): p.quantity
            case .deallocated(let p): p.quantity
            case .outOfStock(let p): p.quantity
            case .batchQuantityChanged(let p): p.quantity
            default: 0
            }
        let key = Key(
            epochMinute: Int64((event.occurredAt.timeIntervalSince1970 / 60).rounded(.down)), type: event.type)
        func add(to counts: inout (events: Int, units: Int)) {
            counts.events += 1
            counts.units += units
        }
        add(to: &batch.eventCounts[key, default: (0, 0)])
    }

    /// Writes the batch's counts of the last `retainedMinutes` (up to the latest minute so far) and
    /// trims what falls out of that window. The latest minute only grows, so a minute left out or
    /// trimmed is never in a later window either: the rows kept are complete, and the same whatever
    /// the batch boundaries were.
    static func flush(_ batch: inout ProjectionBatch) throws {
        guard let batchLatest = batch.eventCounts.keys.lazy.map(\.epochMinute).max() else { return }
        // A cached statement: a live batch of a few events flushes every time, and preparing this
        // afresh was a twentieth of the writer's work at 3,000 events/s.
        let stored = try String.fetchOne(batch.db.cachedStatement(sql: "SELECT MAX(minute) FROM event_counts"))
            .flatMap(WireTimestamp.parse).map { Int64(($0.timeIntervalSince1970 / 60).rounded(.down)) }
        let latest = max(stored ?? batchLatest, batchLatest)
        let oldest = latest - retainedMinutes + 1
        for (key, counts) in batch.eventCounts where key.epochMinute >= oldest {
            try batch.run(
                """
                INSERT INTO event_counts (minute, type, events, units) VALUES (?, ?, ?, ?)
                ON CONFLICT (minute, type) DO UPDATE SET
                    events = events + excluded.events, units = units + excluded.units
                """, key.minute, key.type.rawValue, counts.events, counts.units)
        }
        if let stored, latest > stored {
            try batch.run("DELETE FROM event_counts WHERE minute < ?", Key.minute(oldest))
        }
    }
}
