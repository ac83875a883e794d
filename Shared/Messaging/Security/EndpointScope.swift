/// Whether a ZeroMQ endpoint can be reached from other machines: what secure-by-default decides on.
public enum EndpointScope {
    /// True for `ipc://` and `inproc://`, and for TCP on a loopback address (`127.0.0.0/8`,
    /// `localhost`, `[::1]`). Everything else, `*` and `0.0.0.0` and interface names included, is
    /// reachable from elsewhere.
    public static func isLoopback(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        var address = endpoint.dropFirst("tcp://".count)
        if let semicolon = address.firstIndex(of: ";") { address = address[address.index(after: semicolon)...] }
        let host: Substring
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            host = address[address.index(after: address.startIndex)..<end]
        } else {
            host = address.prefix { $0 != ":" }
        }
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
