/// What one `bench query` client saw while measuring, per path template. Each client keeps its own
/// and they are merged at the end, so recording needs no lock.
struct QueryTally: Sendable {
    struct PathFigures: Sendable {
        var latencies = Latencies()
        /// Answers that were not 2xx, by status.
        var non2xx: [String: Int] = [:]
        /// Requests that got no answer, by `HTTPClientError.code`.
        var errors: [String: Int] = [:]
        var requests = 0
    }

    var paths: [String: PathFigures] = [:]
    var firstSentAt: ContinuousClock.Instant?
    var lastDoneAt: ContinuousClock.Instant?

    mutating func record(
        path: String, result: Result<HTTPResponse, HTTPClientError>, sentAt: ContinuousClock.Instant,
        doneAt: ContinuousClock.Instant
    ) {
        firstSentAt = min(firstSentAt ?? sentAt, sentAt)
        lastDoneAt = max(lastDoneAt ?? doneAt, doneAt)
        paths[path, default: PathFigures()].requests += 1
        switch result {
        case .success(let response):
            paths[path]!.latencies.record(doneAt - sentAt)
            if !response.isSuccess { paths[path]!.non2xx[String(response.status), default: 0] += 1 }
        case .failure(let error):
            paths[path]!.errors[error.code, default: 0] += 1
        }
    }

    mutating func merge(_ other: QueryTally) {
        for (path, figures) in other.paths {
            var mine = paths[path] ?? PathFigures()
            mine.latencies.merge(figures.latencies)
            mine.non2xx.merge(figures.non2xx, uniquingKeysWith: +)
            mine.errors.merge(figures.errors, uniquingKeysWith: +)
            mine.requests += figures.requests
            paths[path] = mine
        }
        if let first = other.firstSentAt { firstSentAt = min(firstSentAt ?? first, first) }
        if let last = other.lastDoneAt { lastDoneAt = max(lastDoneAt ?? last, last) }
    }

    var requests: Int { paths.values.reduce(0) { $0 + $1.requests } }

    var seconds: Double {
        guard let firstSentAt, let lastDoneAt else { return 0 }
        return max(0, (lastDoneAt - firstSentAt).seconds)
    }
}
