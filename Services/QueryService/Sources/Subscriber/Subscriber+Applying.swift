import Contracts
import Logging
import Messaging

// MARK: Applying

extension SubscriberLoop {

    /// One transaction through the store. On failure nothing of the batch is committed: the
    /// checkpoint is re-read and a replay is scheduled after a back-off.
    ///
    /// With `fetchingFrom`, the replay page from there is requested while the transaction runs (on
    /// GRDB's writer thread) and returned beside the outcome; the caller uses it only if the
    /// checkpoint ends where the page starts.
    mutating func apply<Events: BidirectionalCollection<EventEnvelope> & Sendable>(
        _ batch: Events, replayed: Bool, fetchingFrom next: Int? = nil
    ) async -> (applied: Bool, prefetched: Result<ReplayBatch, ReplayFailure>?) {
        let store = subscriber.store
        async let outcome = Self.timed { try await store.apply(batch) }
        var prefetched: Result<ReplayBatch, ReplayFailure>?
        if let next { prefetched = await requestBatch(from: next) }
        let (result, duration) = await outcome
        return (await record(result, of: batch, replayed: replayed, duration: duration), prefetched)
    }

    /// A live batch, written on the subscriber's own thread (``ProjectionStore/applyNow(_:)``): it
    /// takes well under a millisecond, and the hops to GRDB's writer queue and back cost as much.
    mutating func applyLive(_ batch: [EventEnvelope]) async -> Bool {
        let started = ContinuousClock.now
        let outcome = Result { try subscriber.store.applyNow(batch) }
        let applied = await record(outcome, of: batch, replayed: false, duration: .now - started)
        // Once the batch is readable: the rest of a WAL checkpoint, so the WAL starts over.
        do { try subscriber.store.completeCheckpointIfDue() } catch {
            logger.warning("completing a WAL checkpoint failed", metadata: ["error": "\(error)"])
        }
        return applied
    }

    static func timed(_ body: @Sendable () async throws -> Int) async -> (Result<Int, any Error>, Duration) {
        let started = ContinuousClock.now
        do {
            let value = try await body()
            return (.success(value), .now - started)
        } catch {
            return (.failure(error), .now - started)
        }
    }

    /// Books the outcome of a transaction: checkpoint, metrics and sync state, or the failure.
    mutating func record(
        _ outcome: Result<Int, any Error>, of batch: some Collection<EventEnvelope>, replayed: Bool, duration: Duration
    ) async -> Bool {
        do {
            let stored = try outcome.get()
            let applied = stored - checkpoint
            checkpoint = stored
            subscriber.metrics.batchDuration.record(duration)
            subscriber.metrics.batchesApplied.increment()
            (replayed ? subscriber.metrics.replayedEventsApplied : subscriber.metrics.liveEventsApplied)
                .increment(by: Int64(applied))
            subscriber.rate.record(applied)
            subscriber.sync.update {
                $0.checkpoint = stored
                $0.head = max($0.head, stored)
                if replayed { $0.replayedEventsApplied += applied } else { $0.liveEventsApplied += applied }
            }
            return true
        } catch {
            logger.error(
                "applying \(batch.count) events failed; nothing of the batch was committed",
                metadata: ["error": "\(error)", "checkpoint": "\(checkpoint)"])
            subscriber.metrics.applyFailures.increment()
            subscriber.sync.update {
                $0.applyFailures += 1
                $0.problem = "applying events failed: \(error)"
            }
            if let stored = try? await subscriber.store.checkpoint() { checkpoint = stored }
            catchUpNeeded = true
            nextCatchUp = .now + backoff.next()
            return false
        }
    }
}
