internal import CZeroMQ

/// A CURVE key (public or secret): 32 bytes, written as 40 characters of Z85, ZeroMQ's text form.
///
/// Keys travel through files and configuration as text; libzmq takes the raw bytes. A value of
/// this type is always a well-formed key, so a typo in a key file fails where the file is read,
/// not in a handshake that silently never completes.
public struct CurveKey: Sendable, Hashable, CustomStringConvertible {
    /// The 40-character Z85 text.
    public let z85: String
    /// The 32 raw bytes.
    public let bytes: [UInt8]

    /// Reads Z85 text; nil unless it is exactly 40 characters of the Z85 alphabet.
    public init?(z85 text: String) {
        guard text.utf8.count == 40, text.utf8.allSatisfy(Self.isZ85) else { return nil }
        var decoded = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&decoded, text) != nil else { return nil }
        self.z85 = text
        self.bytes = decoded
    }

    public var description: String { z85 }

    private static func isZ85(_ byte: UInt8) -> Bool {
        // 0-9 a-z A-Z and the 23 punctuation characters of the Z85 alphabet.
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default:
            Array(".-:+=^!/*?&<>()[]{}@%$#".utf8).contains(byte)
        }
    }
}

/// A CURVE keypair: the public half is given to peers, the secret half never leaves its owner.
public struct CurveKeyPair: Sendable, Hashable {
    public let publicKey: CurveKey
    public let secretKey: CurveKey

    /// Pairs a secret key with the public key libzmq derives from it; nil when they differ.
    public init?(publicKey: CurveKey, secretKey: CurveKey) {
        guard (try? Self.publicKey(of: secretKey)) == publicKey else { return nil }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The keypair of a secret key.
    public init(secretKey: CurveKey) throws(MessagingError) {
        self.publicKey = try Self.publicKey(of: secretKey)
        self.secretKey = secretKey
    }

    /// A new random keypair (libsodium's generator, through libzmq).
    public static func generate() throws(MessagingError) -> CurveKeyPair {
        try Curve.requireAvailable()
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw .lastZMQ("zmq_curve_keypair") }
        guard let secretKey = CurveKey(z85: Self.text(secretText)) else {
            throw .invalid("libzmq generated a key that is not Z85")
        }
        return try CurveKeyPair(secretKey: secretKey)
    }

    private static func publicKey(of secretKey: CurveKey) throws(MessagingError) -> CurveKey {
        try Curve.requireAvailable()
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secretKey.z85) == 0 else { throw .lastZMQ("zmq_curve_public") }
        guard let key = CurveKey(z85: text(publicText)) else { throw .invalid("libzmq derived a key that is not Z85") }
        return key
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Whether this libzmq can run CURVE at all (Debian's is built with libsodium, so it can).
public enum Curve {
    public static var isAvailable: Bool { zmq_has("curve") == 1 }

    static func requireAvailable() throws(MessagingError) {
        guard isAvailable else {
            throw .invalid("this libzmq was built without CURVE (zmq_has(\"curve\") is 0); secure mode cannot run")
        }
    }
}
