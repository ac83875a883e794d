import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads the query service's HTTP API.
struct QueryClient {
    let baseURL: String
    let timeout: Duration

    /// The body of a successful GET, or the exit code after saying what went wrong.
    func get(_ path: String, query: [URLQueryItem] = []) async throws(ExitCode) -> Data {
        let (status, data) = try await fetch(path, query: query)
        guard (200..<300).contains(status) else {
            let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]).flatMap { body in
                (body["error"] as? [String: Any]).map { "\($0["message"] ?? "") (\($0["code"] ?? ""))" }
                    ?? body["message"].map { "\($0)" }
            }
            // No error object of the query service's: another server answered on that address.
            let message =
                "HTTP \(status) for \(path)" + (detail.map { ": \($0)" } ?? "\n" + Hint.notTheQueryService(baseURL))
            switch status {
            case 404: throw fail(.rejected, message)
            case 400..<500: throw fail(.badInput, message)
            default: throw fail(.unavailable, message)
            }
        }
        return data
    }

    /// The status and body of a GET, whatever the status; the exit code when no answer came.
    func fetch(_ path: String, query: [URLQueryItem] = []) async throws(ExitCode) -> (status: Int, body: Data) {
        guard var components = URLComponents(string: baseURL + path), components.scheme?.hasPrefix("http") == true,
            components.host != nil
        else {
            throw fail(.badInput, "not an http URL: \(baseURL + path)\n" + Hint.queryURL)
        }
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw fail(
                .unavailable,
                "the query service at \(baseURL) did not answer: \(error.localizedDescription)\n"
                    + Hint.queryUnreachable(baseURL))
        }
    }
}
