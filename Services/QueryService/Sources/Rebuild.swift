import Contracts
import Logging
import Messaging

/// `cosmic-query rebuild`: drops every projection and the checkpoint, then replays the whole log
/// from position 1 to the head. Projections are a pure function of the log, so the result equals
/// what incremental application built; use it after changing a projection or to repair a file.
/// Meant for a stopped service (a running one would notice and re-sync, but serve a half-built model).
public enum Rebuild {
    /// Thrown when the log cannot be replayed to its head.
    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Rebuilds the database of `configuration` and returns the final checkpoint. Replay failures are
    /// retried with back-off for at most `patience`.
    @discardableResult
    public static func run(
        configuration: QueryConfiguration, patience: Duration = .seconds(30),
        logger: Logger = Logger(label: "cosmic-query.rebuild")
    ) async throws -> Int {
        let store = try ProjectionStore(path: configuration.databasePath, busyTimeout: configuration.sqliteBusyTimeout)
        try store.erase()
        logger.info("projections dropped; replaying the whole log", metadata: ["database": "\(store.path)"])
        let context = try ZMQContext()
        defer { context.terminate() }
        let replay = ReplayClient(
            context: context, endpoints: configuration.replayEndpoints, timeout: configuration.replayTimeout,
            security: configuration.security)
        defer { replay.close() }
        var backoff = Backoff(maximum: configuration.maxRetryDelay)
        var giveUpAt = ContinuousClock.now + patience
        var checkpoint = 0
        // The next page is fetched while the current one is applied, as in the subscriber's catch-up.
        var ahead: (from: Int, result: Result<ReplayBatch, ReplayFailure>)?
        while true {
            do {
                let from = checkpoint + 1
                let result: Result<ReplayBatch, ReplayFailure>
                if let ahead, ahead.from == from {
                    result = ahead.result
                } else {
                    result = await replay.batch(from: from, limit: configuration.batchSize)
                }
                ahead = nil
                let response = try result.get()
                backoff.reset()
                giveUpAt = .now + patience
                guard let last = response.last, last.position < response.head else {
                    if response.count > 0 { checkpoint = try await store.apply(response.events) }
                    logger.info("rebuild done", metadata: ["checkpoint": "\(checkpoint)"])
                    return checkpoint
                }
                let events = response.events
                async let stored = store.apply(events)
                ahead = (
                    last.position + 1, await replay.batch(from: last.position + 1, limit: configuration.batchSize)
                )
                checkpoint = try await stored
            } catch ReplayFailure.unavailable(let reason) {
                guard ContinuousClock.now < giveUpAt else {
                    throw Failed(description: "replay unavailable at position \(checkpoint + 1): \(reason)")
                }
                logger.warning("replay failed; retrying", metadata: ["reason": "\(reason)"])
                try await Task.sleep(for: backoff.next())
            } catch ReplayFailure.unreadable(let error) {
                throw Failed(
                    description: "stopped at checkpoint \(checkpoint): cannot apply the next event: \(error.wireError)")
            }
        }
    }
}
