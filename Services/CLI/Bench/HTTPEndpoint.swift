import Foundation

/// Where an HTTP benchmark connects: host, port and a base path, read from a `http://` URL such as
/// `--query-url`. Plain HTTP only: the query service serves no TLS.
struct HTTPEndpoint: Sendable, Equatable {
    var host: String
    var port: Int
    /// Prefixed to every request path; empty or starting with "/", never ending with it.
    var basePath: String

    init(host: String, port: Int, basePath: String = "") {
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    init(url text: String) throws(HTTPClientError) {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty
        else { throw .connect("not an http:// URL: \(text)") }
        self.host = host
        self.port = components.port ?? 80
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    /// The Host header's value.
    var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
