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
            context: context, endpoint: configuration.replayEndpoint, timeout: configuration.replayTimeout)
        defer { replay.close() }
        var backoff = Backoff(maximum: configuration.maxRetryDelay)
        var giveUpAt = ContinuousClock.now + patience
        var checkpoint = 0
        while true {
            do {
                let response = try await replay.fetch(from: checkpoint + 1, limit: configuration.batchSize)
                if !response.events.isEmpty { checkpoint = try await store.apply(response.events) }
                backoff.reset()
                giveUpAt = .now + patience
                if response.events.isEmpty || checkpoint >= response.head {
                    logger.info("rebuild done", metadata: ["checkpoint": "\(checkpoint)"])
                    return checkpoint
                }
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
