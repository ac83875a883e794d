import Contracts
import Foundation
import Messaging

/// The allow-list: which public keys may connect, the principal each one speaks for, and its roles.
///
/// A small text file an operator edits by hand and the service re-reads on SIGHUP, one key a line
/// (a line starting with `#` is a comment, and so is the rest of a line from a word after the roles
/// that starts with `#`):
///
///     # principal   public key (Z85, 40 characters)             roles
///     alice         Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID     requester,clerk
///     query         rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7     reader
///
/// A principal may hold several keys (one per device); a key belongs to one principal. A file with
/// any bad line is refused as a whole, so a typo never silently revokes everyone after it.
public struct AccessList: Sendable, Equatable {
    public struct Grant: Sendable, Equatable {
        public let principal: String
        public let roles: Set<Role>
    }

    public private(set) var grants: [CurveKey: Grant]

    public init(grants: [CurveKey: Grant] = [:]) { self.grants = grants }

    public func grant(for key: CurveKey) -> Grant? { grants[key] }

    /// Reads the file at `path`.
    public static func read(_ path: String) throws(AccessListError) -> AccessList {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw AccessListError(path: path, line: nil, problem: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String = "allow-list") throws(AccessListError) -> AccessList {
        var grants: [CurveKey: Grant] = [:]
        // Any line ending, "\r\n" included (one Character in Swift, so not a "\n").
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            func problem(_ text: String) -> AccessListError {
                AccessListError(path: path, line: index + 1, problem: text)
            }
            // `#` is in the Z85 alphabet, so only a line starting with it, or a word after the roles
            // starting with it, is a comment.
            var fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.first?.hasPrefix("#") ?? true { continue }
            if let comment = fields.indices.first(where: { $0 >= 3 && fields[$0].hasPrefix("#") }) {
                fields.removeSubrange(comment...)
            }
            guard fields.count == 3 else {
                throw problem("needs three fields, principal, public key and roles, found \(fields.count)")
            }
            if let reason = WireLimits.identifierProblem(fields[0]) {
                throw problem("principal \(fields[0].debugDescription) \(reason)")
            }
            guard let key = CurveKey(z85: fields[1]) else {
                throw problem("\(fields[1].debugDescription) is not a public key of 40 Z85 characters")
            }
            var roles: Set<Role> = []
            for name in fields[2].split(separator: ",") {
                guard let role = Role(rawValue: String(name)) else {
                    throw problem(
                        "unknown role \(String(name).debugDescription); known: "
                            + Role.allCases.map(\.rawValue).joined(separator: ", "))
                }
                roles.insert(role)
            }
            guard !roles.isEmpty else { throw problem("needs at least one role") }
            if let other = grants[key] {
                throw problem("the key is given to \(other.principal) already; a key speaks for one principal")
            }
            grants[key] = Grant(principal: fields[0], roles: roles)
        }
        return AccessList(grants: grants)
    }
}

/// Why an allow-list cannot be used; names the file and the line.
public struct AccessListError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let line: Int?
    public let problem: String

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
