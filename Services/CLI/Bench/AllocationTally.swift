import Contracts

/// What the measured clients saw. One thread records for every client (`PolledClients`), so
/// recording needs no lock.
struct AllocationTally: Sendable {
    var latencies = Latencies()
    /// `allocated` and `out_of_stock` replies.
    var outcomes: [String: Int] = ["allocated": 0, "out_of_stock": 0]
    /// Everything else, by the reply's stable error code, or `timeout` when no reply came in time.
    var errors: [String: Int] = [:]
    var commands = 0
    var warmupCommands = 0
    var lastReplyAt: ContinuousClock.Instant?

    mutating func record(_ answer: CommandAnswer, sentAt: ContinuousClock.Instant) {
        commands += 1
        switch answer {
        case .reply(let reply, let receivedAt):
            latencies.record(receivedAt - sentAt)
            lastReplyAt = max(lastReplyAt ?? receivedAt, receivedAt)
            if let error = reply.error {
                errors[error.code.rawValue, default: 0] += 1
            } else if let outcome = reply.result?.outcome {
                outcomes[outcome.rawValue, default: 0] += 1
            } else {
                errors["no_result", default: 0] += 1
            }
        case .none(let code):
            errors[code, default: 0] += 1
            lastReplyAt = max(lastReplyAt ?? .now, .now)
        }
    }
}
