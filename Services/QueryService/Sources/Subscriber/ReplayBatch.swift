import Contracts

/// A transaction's worth of replayed events: the replay pages of one batch, in order, kept as the
/// arrays they were decoded into.
///
/// Joined into one array, every event of a batch was copied once more, into memory fresh from the
/// system (a batch is megabytes), which profiled as a tenth of the query service's catch-up.
struct ReplayBatch: Sendable {
    private(set) var pages: [[EventEnvelope]] = []
    /// The highest head a page reported.
    private(set) var head: Int

    init(head: Int) { self.head = head }

    mutating func append(_ page: ReplayResponse) {
        if !page.events.isEmpty { pages.append(page.events) }
        head = max(head, page.head)
    }

    /// How many events the pages hold (a batch is a few pages).
    var count: Int { pages.reduce(0) { $0 + $1.count } }

    /// The events in position order.
    var events: FlattenSequence<[[EventEnvelope]]> { pages.joined() }

    var last: EventEnvelope? { pages.last?.last }
}
