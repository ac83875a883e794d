import Domain

/// What group commit (`MessageBus+GroupCommit.swift`) needs of a unit of work beyond the book's port:
/// reading a whole group's state ahead, and telling each command of the group its last event.
/// A store whose units are not group units still works: its commands are handled one by one.
public protocol GroupUnitOfWork: UnitOfWork {
    /// Reads ahead, in as few round trips as the store allows, what a group of commands will ask
    /// for: their stored outcomes and their products, with the lines of the given orders. Later
    /// calls of `previousOutcome` and `products.get` are answered from it. The products may come
    /// unlocked, or from what the store remembers of its last commits without reading at all:
    /// `commit` then refuses (a conflict) if another writer changed one meanwhile, or if a command
    /// or an order's line it did not read turns out to be stored already.
    func prefetch(commandIDs: [String], products: [SKU], withLinesOf orderIDs: [OrderID]) async throws

    /// After `commit`: the last event of a recorded command, if it raised any.
    func lastEvent(of commandID: String) -> EventMark?
}

extension GroupUnitOfWork {
    /// Stores that answer reads from memory have nothing to read ahead.
    public func prefetch(commandIDs: [String], products: [SKU], withLinesOf orderIDs: [OrderID]) async throws {}
}
