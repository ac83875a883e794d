internal import CZeroMQ

/// Who may talk to a socket: ZeroMQ's CURVE (encryption plus a key per peer) or nothing.
///
/// A CURVE server asks the context's ``ZAPHandler`` about each connecting client's public key, under
/// the server's `domain`, before any message of that client is delivered; a plaintext peer or an
/// unknown key never gets past the handshake.
public enum SocketSecurity: Sendable, Equatable {
    /// Plain TCP: anyone who can reach the endpoint.
    case none
    /// Serves with `secretKey` (clients must know its public half); clients are checked by the
    /// ZAP handler, which sees `domain` (e.g. "commands") and can grant per socket.
    case curveServer(secretKey: CurveKey, domain: String)
    /// Connects as `keys` to a server whose public key is `serverKey`.
    case curveClient(keys: CurveKeyPair, serverKey: CurveKey)

    /// Owner thread only: sets the CURVE options on a fresh socket.
    func apply(to socket: UnsafeMutableRawPointer) throws(MessagingError) {
        func set(_ option: Int32, _ name: String, _ bytes: [UInt8]) throws(MessagingError) {
            let rc = bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
            if rc != 0 { throw .lastZMQ("setsockopt \(name)") }
        }
        switch self {
        case .none:
            return
        case .curveServer(let secretKey, let domain):
            try Curve.requireAvailable()
            try set(ZMQ_CURVE_SERVER, "curve_server", withUnsafeBytes(of: Int32(1), Array.init))
            try set(ZMQ_CURVE_SECRETKEY, "curve_secretkey", secretKey.bytes)
            try set(ZMQ_ZAP_DOMAIN, "zap_domain", Array(domain.utf8))
        case .curveClient(let keys, let serverKey):
            try Curve.requireAvailable()
            try set(ZMQ_CURVE_SERVERKEY, "curve_serverkey", serverKey.bytes)
            try set(ZMQ_CURVE_PUBLICKEY, "curve_publickey", keys.publicKey.bytes)
            try set(ZMQ_CURVE_SECRETKEY, "curve_secretkey", keys.secretKey.bytes)
        }
    }

    /// True for a CURVE server.
    public var isServer: Bool {
        if case .curveServer = self { true } else { false }
    }
}

extension SocketSecurity {
    /// A client's security from its key files: both or neither. `keyFile` is the client's own `.key`
    /// (readable by its owner only), `serverKeyFile` the command service's `.pub`.
    public static func client(keyFile: String?, serverKeyFile: String?) throws(KeyFileError) -> SocketSecurity {
        switch (keyFile, serverKeyFile) {
        case (nil, nil):
            return .none
        case (let keyFile?, let serverKeyFile?):
            return .curveClient(
                keys: try CurveKeyFile.readKeyPair(keyFile), serverKey: try CurveKeyFile.readPublicKey(serverKeyFile))
        case (let keyFile?, nil):
            throw KeyFileError(path: keyFile, problem: "needs the server's public key too (--server-key-file)")
        case (nil, let serverKeyFile?):
            throw KeyFileError(path: serverKeyFile, problem: "needs the client's own keypair too (--key-file)")
        }
    }
}
