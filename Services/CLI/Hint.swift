/// What to do next, printed under an error a newcomer can cause: the services not running, a wrong
/// address or port, a malformed endpoint. Each hint names the command that helps.
enum Hint {
    static let start =
        "Start everything with scripts/run (or: docker compose -f compose/docker-compose.yml up), "
        + "then check with: cosmic health"

    static func commandUnreachable(_ endpoint: String, secure: Bool = false) -> String {
        """
          Is cosmic-command running and listening on \(endpoint)? \(start).
          Elsewhere? Give its address: --command-endpoint tcp://HOST:PORT or COSMIC_COMMAND_ENDPOINT.
        """ + "\n" + (secure ? refusedKey : noKeys)
    }

    /// A CURVE handshake that fails is silent: the client only sees no answer.
    static let refusedKey = """
          In secure mode a refused key gets no answer at all: is your key's public half on the service's
          allow-list (not revoked), and is --server-key-file the service's own public key?
        """
    static let noKeys = """
          A service in secure mode (scripts/run's default) answers only clients with keys: give the folder
          scripts/run printed, --key-dir DIR or COSMIC_KEY_DIR (or --key-file and --server-key-file).
        """

    static func replayUnreachable(_ endpoint: String) -> String {
        """
          Is cosmic-command running and answering replay on \(endpoint)? \(start).
          Elsewhere? Give its address: --replay-endpoint tcp://HOST:PORT or COSMIC_REPLAY_ENDPOINT.
        """
    }

    static func queryUnreachable(_ url: String) -> String {
        """
          Is cosmic-query running at \(url)? \(start).
          Elsewhere? Give its address: --query-url http://HOST:PORT or COSMIC_QUERY_URL.
        """
    }

    static func notTheQueryService(_ url: String) -> String {
        """
          That answer is not the query service's: is \(url) its address? `cosmic health query` checks it.
          Give the right one with --query-url http://HOST:PORT or COSMIC_QUERY_URL (default http://127.0.0.1:8080).
        """
    }

    static let endpoint = "  An endpoint looks like tcp://127.0.0.1:5555 (transport, host, port)."
    static let queryURL = "  The query URL looks like http://127.0.0.1:8080."
}
