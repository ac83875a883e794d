import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keypairs on disk, in the text form of ZeroMQ's certificates (czmq's `zcert`): `NAME.key` holds
/// both halves and is readable by its owner only; `NAME.pub` holds the public half, to hand out.
///
/// A secret key file that others can read is refused, not just warned about: a key someone else
/// may have copied no longer proves who is speaking.
public enum CurveKeyFile {
    /// Writes `NAME.key` (mode 0600) and `NAME.pub` (mode 0644) into `folder`; refuses to replace
    /// either. Returns the two paths.
    @discardableResult
    public static func write(_ pair: CurveKeyPair, name: String, into folder: String) throws(KeyFileError) -> (
        secret: String, public: String
    ) {
        let base = (folder as NSString).appendingPathComponent(name)
        let secretPath = base + ".key"
        let publicPath = base + ".pub"
        for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw KeyFileError(path: path, problem: "exists already; remove it first to replace the key")
        }
        try create(
            secretPath, mode: 0o600,
            text: certificate(name: name, pair.publicKey, secret: pair.secretKey))
        try create(publicPath, mode: 0o644, text: certificate(name: name, pair.publicKey, secret: nil))
        return (secretPath, publicPath)
    }

    /// Reads a keypair from a `.key` file, refusing one that group or others may read.
    public static func readKeyPair(_ path: String) throws(KeyFileError) -> CurveKeyPair {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw KeyFileError(path: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 == 0 else {
            throw KeyFileError(
                path: path,
                problem:
                    "holds a secret key but its mode is \(String(mode, radix: 8)); make it readable by its owner only (chmod 600)"
            )
        }
        let fields = try read(path)
        guard let secretText = fields["secret-key"] else {
            throw KeyFileError(path: path, problem: "has no secret-key (a .pub file? give the .key file)")
        }
        guard let secret = CurveKey(z85: secretText) else {
            throw KeyFileError(path: path, problem: "secret-key is not 40 characters of Z85")
        }
        let pair: CurveKeyPair
        do { pair = try CurveKeyPair(secretKey: secret) } catch {
            throw KeyFileError(path: path, problem: error.description)
        }
        if let publicText = fields["public-key"], publicText != pair.publicKey.z85 {
            throw KeyFileError(path: path, problem: "public-key does not belong to its secret-key")
        }
        return pair
    }

    /// Reads a public key from a `.pub` (or `.key`) file, or a file holding just the 40 characters.
    public static func readPublicKey(_ path: String) throws(KeyFileError) -> CurveKey {
        let fields = try read(path)
        guard let text = fields["public-key"] ?? fields[""], let key = CurveKey(z85: text) else {
            throw KeyFileError(path: path, problem: "holds no public-key of 40 Z85 characters")
        }
        return key
    }

    /// `name = "value"` lines by name; a lone line of text is kept under "".
    private static func read(_ path: String) throws(KeyFileError) -> [String: String] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw KeyFileError(path: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        var fields: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                fields[""] = line
                continue
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            if name == "public-key" || name == "secret-key" { fields[name] = value }
        }
        return fields
    }

    private static func certificate(name: String, _ publicKey: CurveKey, secret: CurveKey?) -> String {
        var text =
            secret == nil
            ? "#   ZeroMQ CURVE Public Certificate, written by `cosmic keys generate`.\n"
                + "#   Give it to the peers that must recognise \(name).\n"
            : "#   ZeroMQ CURVE **Secret** Certificate, written by `cosmic keys generate`.\n"
                + "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n"
        text += "\nmetadata\n    name = \"\(name)\"\ncurve\n    public-key = \"\(publicKey.z85)\"\n"
        if let secret { text += "    secret-key = \"\(secret.z85)\"\n" }
        return text
    }

    /// Creates the file with its mode from the start (never readable by others, even briefly), and
    /// never over an existing one (`O_EXCL`).
    private static func create(_ path: String, mode: mode_t, text: String) throws(KeyFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw KeyFileError(path: path, problem: "cannot be created (\(String(cString: strerror(errno))))")
        }
        defer { _ = systemClose(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
        // The umask may have narrowed the mode; the public file is meant to be readable.
        guard written == bytes.count, fchmod(descriptor, mode) == 0 else {
            throw KeyFileError(path: path, problem: "cannot be written (\(String(cString: strerror(errno))))")
        }
    }
}

/// A key file that cannot be used, and why; the message names the file.
public struct KeyFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public var description: String { "key file \(path) \(problem)" }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
    private let systemClose = Glibc.close
#else
    private let systemWrite = Darwin.write
    private let systemClose = Darwin.close
#endif
