import Contracts
import Logging
import Messaging

// MARK: Catch-up

extension SubscriberLoop {
    /// Replays from checkpoint + 1 until the head of the last response. On failure it schedules the
    /// next attempt with back-off; on an unreadable event it applies what precedes it and halts.
    ///
    /// While a page is applied, the next one is already requested and decoded (see `apply`), so the
    /// SQLite writer, the network and the command service work at the same time instead of in turn.
    mutating func catchUp() async throws {
        if subscriber.sync.status.phase != .live {
            subscriber.sync.update { $0.phase = .catchingUp }
        }
        var ahead: (from: Int, result: Result<ReplayBatch, ReplayFailure>)?
        while true {
            try Task.checkCancellation()
            let from = checkpoint + 1
            let response: ReplayBatch
            do {
                // A page fetched ahead is used only if it starts right after the checkpoint.
                let result: Result<ReplayBatch, ReplayFailure>
                if let ahead, ahead.from == from {
                    result = ahead.result
                } else {
                    result = await requestBatch(from: from)
                }
                ahead = nil
                response = try result.get()
            } catch .unavailable(let reason) {
                subscriber.metrics.replayFailures.increment()
                subscriber.sync.update {
                    $0.connected = false
                    $0.problem = reason
                }
                logger.warning("replay failed; retrying", metadata: ["reason": "\(reason)"])
                nextCatchUp = .now + backoff.next()
                return
            } catch .unreadable(let error) {
                try await applyBeforeUnreadable(error, from: from)
                throw Halt(description: "cannot apply the event log: \(error.wireError)")
            } catch .otherLog(let error) {
                throw Halt(otherLog: error.message)
            }
            heardFromUpstream()
            subscriber.sync.update { $0.head = max($0.head, response.head) }
            guard let last = response.last else { break }
            let next = last.position < response.head ? last.position + 1 : nil
            let (applied, prefetched) = await apply(response.events, replayed: true, fetchingFrom: next)
            guard applied else { return }
            if let next, let prefetched { ahead = (next, prefetched) }
            if checkpoint >= response.head { break }
        }
        catchUpNeeded = false
        backoff.reset()
        subscriber.sync.update {
            $0.phase = .live
            $0.problem = nil
        }
    }

    func requestReplay(from: Int, limit: Int) async -> Result<ReplayResponse, ReplayFailure> {
        countReplayRequest()
        return await replay.result(from: from, limit: limit)
    }

    /// A transaction's worth of events (`batchSize`, in as many replay pages as that takes).
    func requestBatch(from: Int) async -> Result<ReplayBatch, ReplayFailure> {
        await replay.batch(from: from, limit: configuration.batchSize, requested: countReplayRequest)
    }

    func countReplayRequest() {
        subscriber.metrics.replayRequests.increment()
        subscriber.sync.update { $0.replayRequests += 1 }
    }

    /// The events before an unreadable one are fine: apply them, so the checkpoint stops right
    /// before the event that needs a newer reader.
    mutating func applyBeforeUnreadable(_ error: EventDecodingError, from: Int) async throws {
        guard let position = error.position, position > from else { return }
        var next = from
        while next < position {
            guard
                case .success(let response) = await requestReplay(
                    from: next, limit: min(position - next, WireLimits.maximumReplayLimit)),
                !response.events.isEmpty, await apply(response.events, replayed: true).applied
            else { return }
            next = checkpoint + 1
        }
    }
}
