import Contracts
import GRDB

/// One read model fed by events. Each projection updates its own tables from one event inside the
/// caller's transaction, reading nothing but the event and its own rows, so applying the log in
/// order always gives the same rows whatever the batch boundaries were.
protocol Projection {
    static func apply(_ event: EventEnvelope, to db: Database) throws
}

/// Applies an event to every projection, in a fixed order.
enum Projector {
    static func apply(_ event: EventEnvelope, to db: Database) throws {
        try AllocationsView.apply(event, to: db)
        try StockProjection.apply(event, to: db)
        try OutOfStockProjection.apply(event, to: db)
        try ActivityFeed.apply(event, to: db)
        try EventCounts.apply(event, to: db)
    }
}
