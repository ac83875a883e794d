/// Waits until the query service has applied the events up to a position (read-your-writes,
/// `?min_position=`), so that a benchmark measures a quiet system rather than one still busy
/// with its set-up.
///
/// Best effort: a query service that is not running, or does not catch up in time, is reported
/// on standard error and the benchmark goes on.
struct QueryServiceSettle: Sendable {
    let endpoint: HTTPEndpoint?
    /// How long one request may wait server-side and on the wire.
    let timeout: Duration
    /// How long to keep asking in all.
    var patience: Duration = .seconds(600)

    func wait(untilApplied position: Int) async {
        guard position > 0, let endpoint else { return }
        let (timeout, patience) = (timeout, patience)
        let problem = await onDedicatedThread(name: "settle") { () -> String? in
            let connection = HTTPConnection(endpoint: endpoint, timeout: timeout)
            defer { connection.close() }
            let deadline = ContinuousClock.now + patience
            while true {
                do throws(HTTPClientError) {
                    // Any order id does: the answer (found or not) comes once the position is applied.
                    let response = try connection.get("/allocations/settle?min_position=\(position)")
                    if response.status != 503 { return nil }
                } catch {
                    return "query service unreachable (\(error.code))"
                }
                if ContinuousClock.now >= deadline { return "query service still behind position \(position)" }
            }
        }
        if let problem { progress("\(problem): measuring anyway") }
    }
}
