import CommandService
import Contracts
import Foundation
import Logging
import Messaging
import TestSupport
import Testing

/// Secure mode on the real database and real CURVE sockets: only keys on the allow-list get in, each
/// command needs its role, the principal comes from the key, a reload revokes at once, and every
/// refusal writes nothing.
@Suite struct SecurityTests {
    /// Keys for a service and its clients, and the allow-list file, in a folder of their own.
    final class Keyring: Sendable {
        let folder: String
        let server: CurveKeyPair
        let alice: CurveKeyPair  // requests and decides; warehouse work
        let bob: CurveKeyPair  // approves
        let reader: CurveKeyPair  // reads events, nothing else
        let mallory: CurveKeyPair  // on no list
        var allowList: String { folder + "/allow-list" }

        init() throws {
            folder = NSTemporaryDirectory() + "cosmic-security-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            (server, alice, bob, reader, mallory) = (
                try .generate(), try .generate(), try .generate(), try .generate(), try .generate()
            )
            try write(including: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }

        /// Writes the allow-list, with or without alice.
        func write(including alice: Bool) throws {
            var lines = [
                "# principal  public key  roles",
                "bob \(bob.publicKey) approver",
                "reader \(reader.publicKey) reader",
            ]
            if alice { lines.append("alice \(self.alice.publicKey) operator,requester,approver,clerk") }
            try lines.joined(separator: "\n").write(toFile: allowList, atomically: true, encoding: .utf8)
        }

        func client(_ keys: CurveKeyPair) -> SocketSecurity { .curveClient(keys: keys, serverKey: server.publicKey) }
    }

    static func withSecureService<T: Sendable>(
        _ keys: Keyring, _ body: (CommandServiceApp, String) async throws -> T
    ) async throws -> T {
        try await ServiceHarness.withDatabase { url in
            try await ServiceHarness.withService(
                url,
                configure: {
                    $0.security = CommandServiceSecurity(keys: keys.server, accessListPath: keys.allowList)
                    $0.runsPolicies = false
                }
            ) { app in try await body(app, url) }
        }
    }

    static func written(_ url: String) async throws -> (commands: Int, events: Int) {
        (
            try await ServiceHarness.scalar(url, "SELECT count(*)::int FROM processed_commands"),
            try await ServiceHarness.scalar(url, "SELECT count(*)::int FROM event_log")
        )
    }

    /// The allow-list's format as docs/PROTOCOL.md §2 gives it: comments start with `#` (a Z85
    /// character, so any other word after the roles makes a line bad), any line ending, and every
    /// key with at least one role.
    @Test func theAllowListTakesCommentsAndLineEndingsAndRefusesLinesWithoutRoles() throws {
        let (first, second) = (try CurveKeyPair.generate().publicKey, try CurveKeyPair.generate().publicKey)
        let list = try AccessList.parse(
            "# principal key roles\r\n  # indented\r\nalice \(first) operator,reader # desk\r\n\nbob \(second) approver #x\n"
        )
        #expect(list.grants[first]?.principal == "alice" && list.grants[first]?.roles == [.operator, .reader])
        #expect(list.grants[second]?.principal == "bob" && list.grants[second]?.roles == [.approver])
        for (text, problem) in [
            ("alice \(first) operator desk", "needs three fields"),
            ("alice \(first) ,", "needs at least one role"),
            ("alice \(first) operator\nbob \(first) reader", "a key speaks for one principal"),
        ] {
            let error = #expect(throws: AccessListError.self, "\(text)") { try AccessList.parse(text) }
            #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
        }
    }

    /// Principals are identifiers: a name that differs from the key's own only in Unicode form
    /// (`josé` composed, and `jose` + U+0301) names someone else.
    @Test func aNameInAnotherUnicodeFormIsSomeoneElse() throws {
        let keys = try Keyring()
        let (composed, decomposed) = ("jos\u{E9}", "jose\u{301}")
        try "\(composed) \(keys.alice.publicKey) operator\n\(decomposed) \(keys.bob.publicKey) operator\n"
            .write(toFile: keys.allowList, atomically: true, encoding: .utf8)
        let gatekeeper = try Gatekeeper(accessListPath: keys.allowList, logger: Logger(label: "test"))
        func allocate(issuedBy: String) -> CommandRequest {
            CommandRequest(
                commandID: "c1", payload: .allocate(AllocatePayload(orderID: "o1", sku: "LAMP", quantity: 1)),
                issuedBy: issuedBy)
        }
        var posing = allocate(issuedBy: decomposed)
        let refusal = #expect(throws: WireError.self) {
            try gatekeeper.admit(&posing, userID: keys.alice.publicKey.z85)
        }
        #expect(refusal?.code == .forbidden && refusal?.field == "issued_by")
        var own = allocate(issuedBy: composed)
        try gatekeeper.admit(&own, userID: keys.alice.publicKey.z85)
        #expect(own.issuedBy.map { Array($0.utf8) } == Array(composed.utf8))
        var others = allocate(issuedBy: decomposed)
        try gatekeeper.admit(&others, userID: keys.bob.publicKey.z85)
        #expect(others.issuedBy.map { Array($0.utf8) } == Array(decomposed.utf8))
    }

    @Test func theKeyNamesThePrincipalAndEachCommandNeedsItsRole() async throws {
        let keys = try Keyring()
        try await Self.withSecureService(keys) { app, url in
            let alice = try TestDealer(app.commandEndpoint, security: keys.client(keys.alice))
            let bob = try TestDealer(app.commandEndpoint, security: keys.client(keys.bob))
            let reader = try TestDealer(app.commandEndpoint, security: keys.client(keys.reader))
            let live = try TestSubscriber(app.eventsEndpoint, security: keys.client(keys.reader))
            _ = try await live.collect { _, heartbeats in !heartbeats.isEmpty }  // subscribed before any event

            #expect(try await alice.send(Wire.createBatch("b", ref: "b1", sku: "LAMP", qty: 5)).status == .ok)
            let supplier = Wire.request(
                "s", "CreateSupplier", #"{"supplier": "ACME", "name": "Acme", "currency": "EUR", "terms_days": 30}"#)
            #expect(try await alice.send(supplier).status == .ok)
            // No issued_by on the wire: the requester is the key's principal.
            let create = Wire.request(
                "po", "CreatePurchaseOrder", #"{"po": "PO-1", "supplier": "ACME", "expected_delivery": "2027-01-15"}"#)
            #expect(try await alice.send(create).status == .ok)
            let item = Wire.request(
                "item", "AddPurchaseOrderItem", #"{"po": "PO-1", "sku": "LAMP", "qty": 10, "unit_price": 500}"#)
            #expect(try await alice.send(item).status == .ok)
            #expect(
                try await alice.send(Wire.request("submit", "SubmitPurchaseOrder", #"{"po": "PO-1"}"#)).status == .ok)

            // Segregation of duties holds on the authenticated principal: alice may approve, but not her own order,
            // and naming bob does not make her bob.
            let selfApproval = try await alice.send(Wire.request("a1", "ApprovePurchaseOrder", #"{"po": "PO-1"}"#))
            #expect(selfApproval.error?.code == .selfApproval)
            let posing = try await alice.send(
                #"{"command_id": "a2", "type": "ApprovePurchaseOrder", "payload": {"po": "PO-1"}, "issued_by": "bob"}"#)
            #expect(posing.error?.code == .forbidden)
            #expect(posing.error?.field == "issued_by")

            // Roles: bob approves but may not do warehouse work; the reader may send nothing.
            let before = try await Self.written(url)
            let bobsBatch = try await bob.send(Wire.createBatch("b2", ref: "b2", sku: "LAMP", qty: 5))
            #expect(bobsBatch.error?.code == .forbidden)
            #expect(bobsBatch.commandID == "b2")
            #expect(bobsBatch.error?.retryable == false)
            let readersOrder = try await reader.send(Wire.request("a3", "ApprovePurchaseOrder", #"{"po": "PO-1"}"#))
            #expect(readersOrder.error?.code == .forbidden)
            #expect(try await Self.written(url) == before)

            let approved = try await bob.send(Wire.request("a4", "ApprovePurchaseOrder", #"{"po": "PO-1"}"#))
            #expect(approved.status == .ok)
            let events = try TestDealer(app.replayEndpoint, security: keys.client(keys.reader))
            let log = try await events.replayAll().events
            let requesters = log.compactMap { event -> String? in
                if case .purchaseOrderCreated(let created) = event.payload { created.requester } else { nil }
            }
            #expect(requesters == ["alice"])
            let approvers = log.compactMap { event -> String? in
                if case .purchaseOrderApproved(let approved) = event.payload { approved.by } else { nil }
            }
            #expect(approvers == ["bob"])
            // Each event carries who issued its command, in the log and on the PUB socket alike;
            // the processed command keeps it too.
            #expect(log.map(\.issuedBy) == ["alice", "alice", "alice", "alice", "alice", "bob"])
            let published = try await live.collect { events, _ in events.count == log.count }.events
            #expect(published.map(\.issuedBy) == log.map(\.issuedBy))
            #expect(
                try await ServiceHarness.scalar(
                    url, "SELECT count(*)::int FROM processed_commands WHERE issued_by = 'alice'") == 5)
            #expect(
                try await ServiceHarness.scalar(
                    url, "SELECT count(*)::int FROM processed_commands WHERE issued_by = 'bob'") == 1)
        }
    }

    @Test func unknownKeysAndPlaintextClientsGetNothingAndWriteNothing() async throws {
        let keys = try Keyring()
        try await Self.withSecureService(keys) { app, url in
            let mallory = try TestDealer(app.commandEndpoint, security: keys.client(keys.mallory))
            let plaintext = try TestDealer(app.commandEndpoint)
            let wrongServer = try TestDealer(
                app.commandEndpoint, security: .curveClient(keys: keys.alice, serverKey: keys.mallory.publicKey))
            for (index, client) in [mallory, plaintext, wrongServer].enumerated() {
                await #expect(throws: MessagingError.timeout) {
                    try await client.command(
                        Wire.createBatch("x\(index)", ref: "x\(index)", sku: "LAMP", qty: 1),
                        timeout: .milliseconds(500))
                }
            }
            // The service is up and answers a key it knows; none of the above was written.
            let alice = try TestDealer(app.commandEndpoint, security: keys.client(keys.alice))
            #expect(try await alice.send(Wire.createBatch("ok", ref: "b1", sku: "LAMP", qty: 1)).status == .ok)
            #expect(try await Self.written(url) == (1, 1))

            // Events and replay need the reader role at the handshake: alice (no reader) hears nothing.
            let alicesReplay = try TestDealer(app.replayEndpoint, security: keys.client(keys.alice))
            await #expect(throws: MessagingError.timeout) {
                try await alicesReplay.replay(#"{"from": 1}"#, timeout: .milliseconds(500))
            }
            let readersEvents = try TestSubscriber(app.eventsEndpoint, security: keys.client(keys.reader))
            _ = try await readersEvents.collect { _, heartbeats in !heartbeats.isEmpty }
        }
    }

    @Test func aReloadRevokesAKeyOnItsOpenConnectionAndABadListKeepsTheOldOne() async throws {
        let keys = try Keyring()
        try await Self.withSecureService(keys) { app, url in
            let gatekeeper = try #require(app.gatekeeper)
            let alice = try TestDealer(app.commandEndpoint, security: keys.client(keys.alice))
            #expect(try await alice.send(Wire.createBatch("c1", ref: "b1", sku: "LAMP", qty: 5)).status == .ok)

            // A list with a bad line is refused as a whole: alice keeps her access.
            try "alice not-a-key operator".write(toFile: keys.allowList, atomically: true, encoding: .utf8)
            #expect(!gatekeeper.reload())
            #expect(try await alice.send(Wire.createBatch("c2", ref: "b2", sku: "LAMP", qty: 5)).status == .ok)

            try keys.write(including: false)
            #expect(gatekeeper.reload())
            let revoked = try await alice.send(Wire.createBatch("c3", ref: "b3", sku: "LAMP", qty: 5))
            #expect(revoked.error?.code == .unauthenticated)
            #expect(revoked.commandID == "c3")
            #expect(try await Self.written(url) == (2, 2))
            let reconnected = try TestDealer(app.commandEndpoint, security: keys.client(keys.alice))
            await #expect(throws: MessagingError.timeout) {
                try await reconnected.command(
                    Wire.createBatch("c4", ref: "b4", sku: "LAMP", qty: 5), timeout: .milliseconds(500))
            }

            try keys.write(including: true)
            #expect(gatekeeper.reload())
            #expect(try await alice.send(Wire.createBatch("c5", ref: "b5", sku: "LAMP", qty: 5)).status == .ok)
        }
    }

    @Test func withoutKeysOnlyLoopbackIsBoundUnlessInsecureIsSaid() async throws {
        var configuration = ServiceHarness.configuration("postgres://nobody@127.0.0.1:1/none")
        configuration.commandEndpoint = "tcp://0.0.0.0:*"
        let refusal = try #require(throws: ConfigurationError.self) {
            _ = try CommandServiceApp(configuration: configuration, logger: ServiceHarness.logger)
        }
        #expect("\(refusal)".contains("tcp://0.0.0.0:*"))
        #expect("\(refusal)".contains("--insecure"))

        configuration.insecure = true
        let app = try CommandServiceApp(configuration: configuration, logger: ServiceHarness.logger)
        #expect(!app.commandEndpoint.contains("127.0.0.1"))

        for endpoint in ["tcp://127.0.0.1:5555", "tcp://localhost:1", "tcp://[::1]:7", "ipc:///tmp/x", "inproc://y"] {
            #expect(EndpointScope.isLoopback(endpoint), "\(endpoint)")
        }
        for endpoint in [
            "tcp://*:5555", "tcp://0.0.0.0:1", "tcp://10.0.0.1:2", "tcp://eth0:3", "tcp://127.0.0.1.evil:4",
        ] {
            #expect(!EndpointScope.isLoopback(endpoint), "\(endpoint)")
        }
    }
}
