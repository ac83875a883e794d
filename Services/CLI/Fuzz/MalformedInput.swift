import Contracts

/// SplitMix64: seeded, so a fuzz run is reproduced by its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Malformed input of every kind a careless or hostile client sends: random bytes, near-JSON, JSON
/// of the wrong shape or types, odd Unicode, oversized frames and wrong frame counts for the
/// sockets; odd methods, paths, parameters and headers for the HTTP API.
struct MalformedInput {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(state: seed) }

    // MARK: Sockets

    /// Requests as clients write them, to break: every command type's shape and a replay request.
    static let samples: [String] = [
        #"{"command_id": "f1", "type": "Allocate", "payload": {"orderid": "o1", "sku": "LAMP", "qty": 3}}"#,
        #"{"command_id": "f2", "type": "CreateBatch", "payload": {"ref": "b1", "sku": "LAMP", "qty": 20, "eta": null}}"#,
        #"{"command_id": "f3", "type": "ChangeBatchQuantity", "payload": {"ref": "b1", "qty": 5}}"#,
        #"{"command_id": "f4", "type": "Deallocate", "schema_version": 1, "payload": {"orderid": "o1", "sku": "LAMP"}}"#,
        #"{"command_id": "f5", "type": "CreateSupplier", "payload": {"supplier": "S", "name": "N", "currency": "EUR", "terms_days": 30}}"#,
        #"{"command_id": "f6", "type": "RecordPayment", "payload": {"supplier": "S", "invoice": "I", "amount": 100, "currency": "EUR", "paid_on": "2027-01-01", "reference": "r"}}"#,
        #"{"from": 1, "limit": 10}"#,
    ]

    /// Values that are not what a field wants.
    static let wrongValues = [
        #""""#, #""x""#, "-1", "0", "1.5", "1e400", "true", "null", "[]", "{}", #""\u0000""#, #""\ud800""#,
        #""\#(String(repeating: "x", count: 101))""#, #""a\#(String(repeating: "\u{0301}", count: 300))""#,
        "99999999999999999999", #""2027-02-30""#, #""EURO""#, #""😀""#,
    ]

    /// Byte-level damage that leaves no valid JSON.
    static let breakages: [(String, String)] = [
        ("}", ",}"), (": ", ": 01"), ("\"", "\"\t"), ("1", "1."), ("{", "{/* c */"), ("\"", "'"), (": ", ": +"),
        ("null", "NULL"), ("{", "\u{FEFF}{"),
    ]

    /// One message (frames) for a ROUTER socket.
    mutating func frames() -> [[UInt8]] {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return [bytes(count: Int.random(in: 0...200, using: &random))]
        case 1: return [Array(sample().utf8) + [0xFF, 0xFE]]  // trailing invalid UTF-8
        case 2: return [Array(sample().utf8.prefix(Int.random(in: 1...40, using: &random)))]  // cut short
        case 3, 4: return [Array(broken().utf8)]
        case 5, 6: return [Array(wrongValue().utf8)]
        case 7: return [Array(sample().utf8), Array(sample().utf8)]  // two body frames
        case 8:
            let pad = String(repeating: "x", count: WireLimits.maximumRequestBytes + 10)
            return [Array(#"{"command_id": "big", "type": "Allocate", "payload": {"pad": "\#(pad)"}}"#.utf8)]
        default: return [Array(#"{"command_id": "u", "type": "\#(oddText())", "payload": {}}"#.utf8)]
        }
    }

    private mutating func sample() -> String { Self.samples.randomElement(using: &random)! }

    private mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// A sample with one breakage applied at one of its places.
    private mutating func broken() -> String {
        let text = sample()
        let (target, replacement) = Self.breakages.randomElement(using: &random)!
        let places = text.ranges(of: target)
        guard let place = places.randomElement(using: &random) else { return text + "," }
        return text.replacingCharacters(in: place, with: replacement)
    }

    /// A sample with one value replaced by a wrong one, or one member removed.
    private mutating func wrongValue() -> String {
        let text = sample()
        let values = text.ranges(of: ": ")
        guard let colon = values.randomElement(using: &random) else { return text }
        let start = colon.upperBound
        guard let end = text[start...].firstIndex(where: { $0 == "," || $0 == "}" }) else { return text }
        return text.replacingCharacters(in: start..<end, with: Self.wrongValues.randomElement(using: &random)!)
    }

    private mutating func oddText() -> String {
        [
            "allocate", "Allocate ", "\\u0041llocate", "Teleport", String(repeating: "A", count: 500), "é", "\\t",
        ].randomElement(using: &random)!
    }

    // MARK: HTTP

    /// One raw HTTP/1.1 request for the query API (never HEAD, whose answer has no body to check).
    mutating func httpRequest(host: String) -> String {
        let methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW", "get"]
        let paths = [
            "/allocations/\(identifier())", "/stock/\(identifier())", "/purchase-orders/\(identifier())",
            "/invoices/\(identifier())/\(identifier())", "/suppliers/\(identifier())",
            "/api/procurement/kpis?from=\(junk())&to=\(junk())", "/api/dashboard?min_position=\(junk())",
            "/events/stream?view=\(junk())", "/\(identifier())", "/allocations/", "//", "/health?x=\(junk())",
        ]
        let method = methods.randomElement(using: &random)!
        let path = paths.randomElement(using: &random)!
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        switch Int.random(in: 0..<8, using: &random) {
        case 0: request += "X-Min-Position: \(junk())\r\n"
        case 1: request += "X-Big: \(String(repeating: "a", count: 20_000))\r\n"
        case 2: request += "Bad Header: x\r\n"
        case 3: request += "Content-Length: \(junk())\r\n"
        default: break
        }
        return request + "\r\n"
    }

    private mutating func identifier() -> String {
        [
            "order-1", "LAMP", "%ZZ", "%00", "%E9", "a%CC%81", String(repeating: "x", count: 101),
            "a" + String(repeating: "%CC%81", count: 150), "%2F", "..", "%20", "😀",
        ].randomElement(using: &random)!
    }

    private mutating func junk() -> String {
        ["", "-1", "+1", "01", "1.5", "abc", "%20", "2027-13-01", "9999999999999999999999", "1e3", "%00"]
            .randomElement(using: &random)!
    }
}
