import Contracts
import Foundation
import Testing

/// Decoders must never trap, whatever arrives on a socket: random bytes and mutated valid frames
/// only ever produce a result, and a failure is always a client-input code.
@Suite struct FuzzTests {
    /// SplitMix64: deterministic, so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let inputCodes: Set<ErrorCode> = [
        .badJSON, .missingField, .invalidField, .invalidQuantity, .unknownType, .unsupportedSchemaVersion,
        .frameTooLarge,
    ]

    /// Bytes JSON is made of, so mutations often stay close to valid JSON.
    static let jsonBytes = Array(#"{}[]":,.-+0123456789eEtruefalsenull \"#.utf8) + [0x00, 0xFF, 0xC3, 0xA9]

    @Test func randomBytes() {
        var random = Generator(state: 1)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...120, using: &random)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &random)
                    ? UInt8.random(in: 0...255, using: &random) : Self.jsonBytes.randomElement(using: &random)!
            }
            check(bytes)
        }
    }

    @Test func mutatedValidFrames() throws {
        var random = Generator(state: 2)
        let seeds = try commandSamples.map { try Array(Fixture.data($0.fixture)) }
        for _ in 0..<3000 {
            var bytes = seeds.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = Self.jsonBytes.randomElement(using: &random)!
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(Self.jsonBytes.randomElement(using: &random)!, at: index)
                default: bytes = Array(bytes[..<index])
                }
                if bytes.isEmpty { break }
            }
            check(bytes)
        }
    }

    @Test func mutatedEventFramesNeverTrap() throws {
        var random = Generator(state: 3)
        let seeds =
            try eventSamples.map { try Array(Fixture.data($0.fixture)) } + [Array(Fixture.data("replay/response.json"))]
        for _ in 0..<2000 {
            var bytes = seeds.randomElement(using: &random)!
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] = Self.jsonBytes.randomElement(using: &random)!
            _ = EventCodec.decode(bytes)
            _ = ReplayCodec.decodeReply(bytes)
            _ = ReplayCodec.decodeRequest(bytes)
            _ = EventCodec.decodeHeartbeat(bytes)
            _ = CommandCodec.decodeReply(bytes)
        }
    }

    private func check(_ bytes: [UInt8]) {
        switch CommandCodec.decode(bytes) {
        case .success(let decoded):
            #expect(!decoded.commandID.isEmpty)
        case .failure(let failure):
            #expect(Self.inputCodes.contains(failure.error.code), "\(failure.error) for \(bytes)")
        }
    }
}
