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
        guard var components = URLComponents(string: baseURL + path) else {
            throw fail(.badInput, "not a URL: \(baseURL + path)")
        }
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw fail(.unavailable, "the query service at \(baseURL) did not answer: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]).flatMap { body in
                (body["error"] as? [String: Any]).map { "\($0["message"] ?? "") (\($0["code"] ?? ""))" }
                    ?? body["message"].map { "\($0)" }
            }
            let message = "HTTP \(status) for \(path)" + (detail.map { ": \($0)" } ?? "")
            switch status {
            case 404: throw fail(.rejected, message)
            case 400..<500: throw fail(.badInput, message)
            default: throw fail(.unavailable, message)
            }
        }
        return data
    }
}
