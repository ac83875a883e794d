import Contracts
import Foundation
import GRDB

/// Events and units per minute of event time and per type: the series behind the activity chart.
/// Added up over the batch and written once by ``flush(_:)``.
enum EventCountsProjection: Projection {
    /// Numbers, not the minute's text: the key is hashed for every event, the text made once per
    /// batch and minute.
    struct Key: Hashable {
        let epochMinute: Int64
        let type: EventType

        /// The start of the minute as text (the charts' bucket).
        var minute: String { Timestamps.format(Date(timeIntervalSince1970: Double(epochMinute) * 60)) }
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

    /// Writes the batch's counts.
    static func flush(_ batch: inout ProjectionBatch) throws {
        for (key, counts) in batch.eventCounts {
            try batch.run(
                """
                INSERT INTO event_counts (minute, type, events, units) VALUES (?, ?, ?, ?)
                ON CONFLICT (minute, type) DO UPDATE SET
                    events = events + excluded.events, units = units + excluded.units
                """, key.minute, key.type.rawValue, counts.events, counts.units)
        }
    }
}
