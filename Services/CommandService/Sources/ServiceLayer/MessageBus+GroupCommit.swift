import Domain

/// Group commit on the message bus: several commands in one unit of work, committed once
/// (`GroupCommitter` forms the groups). The book's one-command path is `MessageBus.swift`.
extension MessageBus {
    /// Handles several commands in one unit of work, committed once: a group commit. Each command
    /// is isolated (`UnitOfWork.isolated`), so one refused by the domain leaves the others' work
    /// intact; each result is what `handle(_:)` would have given. Should the group fail as a whole
    /// (a lost race, a deadlock, a duplicate command id), every command is handled on its own.
    /// A group of one is worth it too: the group's path reads ahead and commits in fewer round trips.
    public func handle(group envelopes: [CommandEnvelope]) async -> [Result<CommandReceipt, any Error>] {
        let together: [Result<CommandReceipt, any Error>]
        do {
            together = try await unitOfWork.withUnitOfWork { uow in
                guard let group = uow as? any GroupUnitOfWork else { throw GroupsUnsupported() }
                return try await handleTogether(envelopes, in: group)
            }
        } catch {
            logger.debug("Group failed, handling its commands one by one", metadata: ["error": .error(error)])
            return await handleEach(envelopes)
        }
        // A refusal may be a retry's (see `handle(_:)`): let the one-by-one path look again.
        let refused = envelopes.indices.filter {
            if case .failure(is any Refusal) = together[$0] { true } else { false }
        }
        guard !refused.isEmpty else { return together }
        var results = together
        for (index, result) in zip(refused, await handleEach(refused.map { envelopes[$0] })) { results[index] = result }
        return results
    }

    private func handleTogether(_ envelopes: [CommandEnvelope], in uow: any GroupUnitOfWork) async throws
        -> [Result<CommandReceipt, any Error>]
    {
        let lines = envelopes.compactMap { ($0.command as? Allocate)?.line }
        try await uow.prefetch(
            commandIDs: envelopes.map(\.id), products: lines.map(\.sku), withLinesOf: lines.map(\.orderID))
        var results: [Result<CommandReceipt, any Error>] = []
        var handled: [(index: Int, outcome: CommandOutcome)] = []
        for envelope in envelopes {
            if let stored = try await uow.previousOutcome(of: envelope.id) {
                results.append(Result { try repeatReceipt(stored, envelope) })
                continue
            }
            do {
                var outcome: CommandOutcome?
                try await uow.isolated {
                    let result = try await handlers.handle(envelope.command, uow)
                    try await dispatch(uow.collectNewEvents(), in: uow)
                    try await uow.record(envelope, outcome: result)
                    outcome = result
                }
                handled.append((results.count, outcome!))
                results.append(.failure(CancellationError()))  // replaced once committed
            } catch let error as UnitOfWorkError {
                throw error
            } catch {
                results.append(.failure(error))
            }
        }
        if !handled.isEmpty { _ = try await uow.commit() }
        for (index, outcome) in handled {
            let id = envelopes[index].id
            results[index] = .success(
                CommandReceipt(outcome: outcome, lastEvent: uow.lastEvent(of: id), isRepeat: false))
        }
        return results
    }

    private func handleEach(_ envelopes: [CommandEnvelope]) async -> [Result<CommandReceipt, any Error>] {
        await withTaskGroup(of: (Int, Result<CommandReceipt, any Error>).self) { group in
            for (index, envelope) in envelopes.enumerated() {
                group.addTask { (index, await result { try await handle(envelope) }) }
            }
            var results = [Result<CommandReceipt, any Error>](
                repeating: .failure(CancellationError()), count: envelopes.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private func result(_ body: () async throws -> CommandReceipt) async -> Result<CommandReceipt, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }
}

/// The store's units of work cannot carry a group: its commands are handled one by one.
private struct GroupsUnsupported: Error {}
