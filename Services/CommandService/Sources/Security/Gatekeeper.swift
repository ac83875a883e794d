import Contracts
import Logging
import Messaging
import Synchronization

/// Secure mode's one authority on who is speaking and what they may do, over the current allow-list.
///
/// It answers libzmq's ZAP requests (a connection gets in only with a key on the list; the events and
/// replay sockets only with the `reader` role), and then checks every command and replay request
/// again against the list as it is *now*: the user id of a connection is its public key, so a key
/// revoked by a reload is refused on the connections it already has, not only on new ones.
public final class Gatekeeper: Sendable {
    /// The ZAP domains of the service's three server sockets.
    public enum Socket: String, Sendable, CaseIterable {
        case commands, events, replay
    }

    public let accessListPath: String
    private let list: Mutex<AccessList>
    private let logger: Logger
    private let refusals: RefusalLog

    /// Reads the allow-list; a missing or bad file stops the start.
    public init(accessListPath: String, logger: Logger) throws(AccessListError) {
        self.accessListPath = accessListPath
        self.list = Mutex(try AccessList.read(accessListPath))
        self.logger = logger
        self.refusals = RefusalLog(logger: logger)
    }

    /// Keys on the list now.
    public var keyCount: Int { list.withLock { $0.grants.count } }

    /// Re-reads the allow-list (on SIGHUP). A file that cannot be read or has a bad line leaves the
    /// current list in force, and says why. Returns whether the new list is in force.
    @discardableResult
    public func reload() -> Bool {
        do {
            let fresh = try AccessList.read(accessListPath)
            let (before, after) = list.withLock { list in
                defer { list = fresh }
                return (list.grants.count, fresh.grants.count)
            }
            logger.notice(
                "Allow-list reloaded",
                metadata: ["path": "\(accessListPath)", "keys_before": "\(before)", "keys": "\(after)"])
            return true
        } catch {
            logger.error("Allow-list not reloaded; the previous one stays in force", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The ZAP handler's answer for a connection to `request.domain`'s socket.
    public func decide(_ request: ZAPRequest) -> ZAPDecision {
        let socket = Socket(rawValue: request.domain)
        guard request.mechanism == "CURVE", let key = request.clientKey else {
            return refuse(request, "the socket needs CURVE, the client offered \(request.mechanism)")
        }
        guard let grant = list.withLock({ $0.grant(for: key) }) else {
            return refuse(request, "key \(key) is not on the allow-list")
        }
        if socket != .commands && !grant.roles.contains(.reader) {
            return refuse(request, "\(grant.principal) lacks the reader role")
        }
        return .allow(userID: key.z85)
    }

    /// Checks a command against the list and makes its `issued_by` the authenticated principal.
    /// `userID` is what the ZAP handler gave the connection (its key).
    public func admit(_ request: inout CommandRequest, userID: String?) throws(WireError) {
        let grant = try grant(userID, asking: request.type.rawValue, commandID: request.commandID)
        let role = request.type.requiredRole
        guard grant.roles.contains(role) else {
            throw refuse(
                .forbidden, "\(grant.principal) may not send \(request.type.rawValue): it needs the \(role) role",
                principal: grant.principal, asking: request.type.rawValue, commandID: request.commandID)
        }
        if let named = request.issuedBy, IdentifierKey(named) != IdentifierKey(grant.principal) {
            throw refuse(
                .forbidden,
                "issued_by names \(named.debugDescription), but this connection is authenticated as \(grant.principal.debugDescription)",
                principal: grant.principal, asking: request.type.rawValue, commandID: request.commandID,
                field: "issued_by")
        }
        request.issuedBy = grant.principal
    }

    /// Checks a replay request: the connection's key must still hold the `reader` role.
    public func admitReader(userID: String?) throws(WireError) {
        let grant = try grant(userID, asking: "replay", commandID: nil)
        guard grant.roles.contains(.reader) else {
            throw refuse(
                .forbidden, "\(grant.principal) may not replay events: it needs the reader role",
                principal: grant.principal, asking: "replay", commandID: nil)
        }
    }

    private func grant(_ userID: String?, asking: String, commandID: String?) throws(WireError) -> AccessList.Grant {
        guard let userID, let key = CurveKey(z85: userID), let grant = list.withLock({ $0.grant(for: key) }) else {
            throw refuse(
                .unauthenticated, "the key this connection authenticated with is no longer on the allow-list",
                principal: userID.map { "key \($0)" } ?? "?", asking: asking, commandID: commandID)
        }
        return grant
    }

    private func refuse(_ request: ZAPRequest, _ reason: String) -> ZAPDecision {
        refusals.record(
            "Connection refused",
            key: "\(request.domain) \(request.address) \(request.clientKey?.z85 ?? request.mechanism)",
            metadata: [
                "socket": "\(request.domain)", "address": "\(request.address)", "reason": "\(reason)",
            ])
        return .deny(reason: reason)
    }

    private func refuse(
        _ code: ErrorCode, _ message: String, principal: String, asking: String, commandID: String?,
        field: String? = nil
    ) -> WireError {
        refusals.record(
            "Request refused", key: "\(principal) \(asking) \(code.rawValue)",
            metadata: [
                "principal": "\(principal)", "request": "\(asking)", "command_id": "\(commandID ?? "-")",
                "code": "\(code.rawValue)", "reason": "\(message)",
            ])
        return WireError(code: code, message: message, field: field)
    }
}

/// Logs refusals without letting a client that retries in a loop flood the log: each kind of refusal
/// (who, what, why) is logged at once, then at most once a minute with the number left unlogged.
private final class RefusalLog: Sendable {
    private let logger: Logger
    private let recent = Mutex<[String: (last: ContinuousClock.Instant, unlogged: Int)]>([:])

    init(logger: Logger) { self.logger = logger }

    func record(_ message: Logger.Message, key: String, metadata: Logger.Metadata) {
        let now = ContinuousClock.now
        let unlogged: Int? = recent.withLock { recent in
            if recent.count > 10_000 { recent = recent.filter { now - $0.value.last < .seconds(60) } }
            if let entry = recent[key], now - entry.last < .seconds(60) {
                recent[key] = (entry.last, entry.unlogged + 1)
                return nil
            }
            defer { recent[key] = (now, 0) }
            return recent[key]?.unlogged ?? 0
        }
        guard let unlogged else { return }
        var metadata = metadata
        if unlogged > 0 { metadata["repeated_unlogged"] = "\(unlogged)" }
        logger.warning(message, metadata: metadata)
    }
}
