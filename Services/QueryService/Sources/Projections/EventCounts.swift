import Contracts
import GRDB

/// Events and units per minute of event time and per type: the series behind the activity chart.
enum EventCounts: Projection {
    static func apply(_ event: EventEnvelope, to db: Database) throws {
        let units =
            switch event.payload {
            case .batchCreated(let p): p.quantity
            case .allocated(let p): p.quantity
            case .deallocated(let p): p.quantity
            case .outOfStock(let p): p.quantity
            case .batchQuantityChanged(let p): p.quantity
            }
        try db.run(
            """
            INSERT INTO event_counts (minute, type, events, units) VALUES (?, ?, 1, ?)
            ON CONFLICT (minute, type) DO UPDATE SET events = events + 1, units = units + excluded.units
            """, [Timestamps.minute(of: event.occurredAt), event.type.rawValue, units])
    }
}
