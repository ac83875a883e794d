import Contracts
import GRDB

/// Events and units per minute of event time and per type: the series behind the activity chart.
/// Added up over the batch and written by `ProjectionBatch.finish()`.
enum EventCounts: Projection {
    struct Key: Hashable {
        let minute: String
        let type: String
    }

    static func apply(_ event: EventEnvelope, in batch: inout ProjectionBatch) throws {
        let units =
            switch event.payload {
            case .batchCreated(let p): p.quantity
            case .allocated(let p): p.quantity
            case .deallocated(let p): p.quantity
            case .outOfStock(let p): p.quantity
            case .batchQuantityChanged(let p): p.quantity
            }
        let key = Key(minute: batch.minute(of: event.occurredAt), type: event.type.rawValue)
        batch.eventCounts[key, default: (0, 0)].events += 1
        batch.eventCounts[key, default: (0, 0)].units += units
    }
}
