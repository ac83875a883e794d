import Foundation
import Messaging
import Synchronization
import Testing

@Suite struct CurveTests {
    @Test func keysAreFortyCharactersOfZ85AndPairsBelongTogether() throws {
        #expect(Curve.isAvailable)
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40)
        #expect(pair.publicKey.bytes.count == 32)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        let other = try CurveKeyPair.generate()
        #expect(CurveKeyPair(publicKey: other.publicKey, secretKey: pair.secretKey) == nil)
        #expect(CurveKey(z85: String(pair.publicKey.z85.dropLast())) == nil)
        #expect(CurveKey(z85: String(pair.publicKey.z85.dropLast()) + "\"") == nil)
    }

    @Test func keyFilesRoundTripAndASecretOthersCanReadIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pair = try CurveKeyPair.generate()
        let (secret, publicPath) = try CurveKeyFile.write(pair, name: "alice", into: folder)
        #expect(try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int == 0o600)
        #expect(try CurveKeyFile.readKeyPair(secret) == pair)
        #expect(try CurveKeyFile.readPublicKey(publicPath) == pair.publicKey)
        #expect(throws: KeyFileError.self) { try CurveKeyFile.readKeyPair(publicPath) }
        #expect(throws: KeyFileError.self) { try CurveKeyFile.write(pair, name: "alice", into: folder) }

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
        let error = try #require(throws: KeyFileError.self) { try CurveKeyFile.readKeyPair(secret) }
        #expect(error.description.contains("644"))
    }

    @Test func onlyKeysTheHandlerAllowsReachTheServerAndEachMessageSaysWhoSentIt() async throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let alice = try CurveKeyPair.generate()
        let mallory = try CurveKeyPair.generate()
        let asked = Mutex<[ZAPRequest]>([])
        let zap = try ZAPHandler(context: context) { request in
            asked.withLock { $0.append(request) }
            guard request.domain == "commands", request.clientKey == alice.publicKey else {
                return .deny(reason: "unknown key")
            }
            return .allow(userID: "alice")
        }
        defer { zap.close() }
        let router = try OwnedSocket(
            context: context, kind: .router,
            options: SocketOptions(
                security: .curveServer(secretKey: server.secretKey, domain: "commands"), prefixesUserID: true),
            bind: [anyLocalPort])
        defer { router.close() }
        let endpoint = try #require(router.boundEndpoints.first)
        func client(_ security: SocketSecurity) throws -> OwnedSocket {
            try OwnedSocket(
                context: context, kind: .dealer, options: SocketOptions(security: security), connect: [endpoint])
        }

        // Refused at the handshake: an unknown key, and a client that does not speak CURVE.
        let intruder = try client(.curveClient(keys: mallory, serverKey: server.publicKey))
        defer { intruder.close() }
        let plaintext = try client(.none)
        defer { plaintext.close() }
        try intruder.send([bytes("from mallory")])
        try plaintext.send([bytes("in the clear")])
        #expect(
            await eventually {
                asked.withLock { $0.contains { $0.clientKey == mallory.publicKey && $0.mechanism == "CURVE" } }
            })

        let friend = try client(.curveClient(keys: alice, serverKey: server.publicKey))
        defer { friend.close() }
        for index in 0..<3 {
            try friend.send([bytes("from alice \(index)")])
            let received = try await router.receive(timeout: .seconds(10))
            #expect(received.count == 3)  // user id, routing id, body
            #expect(text(received[0]) == "alice")
            #expect(text(received[2]) == "from alice \(index)")
            try router.send(Array(received.dropFirst()) + [])  // echo back, encrypted
            #expect(try await friend.receive(timeout: .seconds(10)) == [bytes("from alice \(index)")])
        }
        try intruder.send([bytes("again from mallory")])
        try plaintext.send([bytes("again in the clear")])
        try friend.send([bytes("last from alice")])
        #expect(text(try await router.receive(timeout: .seconds(10))[2]) == "last from alice")
        #expect(router.receiveIfAvailable() == nil)
    }

    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "cosmic-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
