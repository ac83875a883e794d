import Foundation
import Testing

@testable import Contracts

/// A line of ``TestOrder``: the element type of an array of objects, with a flag and an integer of
/// its own. Declared out of sorted order, so writers must sort its keys too.
struct TestLine: WirePayload {
    var sku = ""
    var lineNumber = 0
    var backordered = false

    init() {}

    init(sku: String, lineNumber: Int, backordered: Bool = false) {
        self.sku = sku
        self.lineNumber = lineNumber
        self.backordered = backordered
    }

    mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("sku", &sku)
        try fields.integer("line_no", &lineNumber)
        try fields.flag("backordered", &backordered)
    }
}

/// Every kind of field at once, the way a procurement payload will use them.
struct TestOrder: WirePayload {
    var reference = ""
    var lines: [TestLine] = []
    var quantity = 0
    var note: String?
    var urgent = false
    var totalMinor = 0

    init() {}

    init(
        reference: String, lines: [TestLine], quantity: Int = 1, note: String? = nil, urgent: Bool = false,
        totalMinor: Int = 0
    ) {
        self.reference = reference
        self.lines = lines
        self.quantity = quantity
        self.note = note
        self.urgent = urgent
        self.totalMinor = totalMinor
    }

    mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("ref", &reference)
        try fields.objects("lines", &lines)
        try fields.quantity("qty", &quantity)
        try fields.optionalString("note", &note)
        try fields.flag("urgent", &urgent)
        try fields.integer("total_minor", &totalMinor)
    }
}

/// A payload that holds its own type: nesting has no bound in the type, only in the reader.
struct TestTree: WirePayload {
    var children: [TestTree] = []
    init() {}
    mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.objects("children", &children)
    }
}

/// The `integer`, `flag` and `objects` kinds: the fast reader and writer agree with the thorough
/// ones on the same bytes and values, and leave every doubtful frame to the thorough reader, whose
/// errors name the field and where it is (`payload.lines[1].sku`).
@Suite struct WireKindsTests {
    static let plainOrders = [
        TestOrder(reference: "", lines: []),
        TestOrder(
            reference: "PO-1", lines: [TestLine(sku: "CHAIR", lineNumber: 1)], quantity: 3, note: "a/b",
            urgent: true, totalMinor: 12_345),
        TestOrder(
            reference: "PO-2",
            lines: (1...30).map { TestLine(sku: "SKU-\($0)", lineNumber: $0, backordered: $0.isMultiple(of: 3)) },
            quantity: -7, note: nil, urgent: false, totalMinor: -999_999_999_999_999_999),
        TestOrder(reference: "PO-3", lines: [TestLine(sku: #"say "hi" \ there"#, lineNumber: 0)], totalMinor: 0),
    ]

    /// Values only the thorough writer writes (escapes, non-ASCII) or only the thorough reader
    /// reads (numbers of 19 digits).
    static var awkwardOrders: [TestOrder] {
        FastPathTests.awkwardTexts.enumerated().flatMap { index, text in
            [
                TestOrder(reference: text, lines: [TestLine(sku: "S", lineNumber: index)], note: text),
                TestOrder(
                    reference: "r", lines: [TestLine(sku: "S", lineNumber: 1), TestLine(sku: text, lineNumber: 2)]),
            ]
        } + [
            TestOrder(reference: "max", lines: [TestLine(sku: "S", lineNumber: Int.max)], totalMinor: Int.min)
        ]
    }

    static func fastWrite(_ order: TestOrder) -> [UInt8]? {
        var writer = WireFastWriter()
        return writer.object(order) ? writer.written : nil
    }

    static func fastRead(
        _ json: some Collection<UInt8>, _ unknownFields: WireFastReader.UnknownFields = .refuse
    ) -> TestOrder? {
        WireFastReader.payload(TestOrder.self, json, unknownFields: unknownFields)
    }

    /// A payload inside a frame, read as a request's payload is (`object("payload")`), so that
    /// errors carry the `payload.` path a client sees.
    struct Framed: Decodable {
        let payload: TestOrder
        init(from decoder: any Decoder) throws {
            payload = try TestOrder(WireObject(decoder).object("payload"))
        }
    }

    static func thorough(_ json: String) -> Result<TestOrder, WireError> {
        WireJSON.result(Framed.self, from: Array(#"{"payload":\#(json)}"#.utf8)).map(\.payload)
    }

    static func isPlain(_ order: TestOrder) -> Bool {
        let texts = [order.reference, order.note ?? ""] + order.lines.map(\.sku)
        return texts.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
    }

    @Test func fastWriterWritesJSONEncodersBytes() throws {
        for order in Self.plainOrders {
            let fast = try #require(Self.fastWrite(order), "\(order)")
            #expect(Data(fast) == WireJSON.encode(order), "\(order)")
        }
        for order in Self.awkwardOrders {
            let fast = Self.fastWrite(order)
            #expect((fast != nil) == Self.isPlain(order), "\(order)")
            if let fast { #expect(Data(fast) == WireJSON.encode(order), "\(order)") }
        }
        let empty = String(decoding: try #require(Self.fastWrite(Self.plainOrders[0])), as: UTF8.self)
        #expect(empty == #"{"lines":[],"note":null,"qty":1,"ref":"","total_minor":0,"urgent":false}"#)
        let one = String(decoding: try #require(Self.fastWrite(Self.plainOrders[1])), as: UTF8.self)
        #expect(
            one == #"{"lines":[{"backordered":false,"line_no":1,"sku":"CHAIR"}],"note":"a/b","qty":3,"#
                + #""ref":"PO-1","total_minor":12345,"urgent":true}"#)
    }

    /// Nested objects write into the same buffer, each sorting its own members.
    @Test func nestedObjectsNestInTheWriter() throws {
        var tree = TestTree()
        for _ in 0..<40 {
            var parent = TestTree()
            parent.children = [tree, TestTree()]
            tree = parent
        }
        var writer = WireFastWriter()
        let written = writer.object(tree)
        #expect(written)
        #expect(Data(writer.written) == WireJSON.encode(tree))
    }

    @Test func fastReaderReadsWhatTheThoroughReaderReads() throws {
        for order in Self.plainOrders + Self.awkwardOrders {
            let bytes = WireJSON.encode(order)
            #expect(try JSONDecoder().decode(TestOrder.self, from: bytes) == order)
            let fast = Self.fastRead(bytes)
            #expect(fast == nil || fast == order, "\(order)")
            // The fast reader reads any text without escapes, and integers of up to 18 digits.
            if !bytes.contains(UInt8(ascii: "\\")) && order.lines.allSatisfy({ $0.lineNumber != Int.max }) {
                #expect(fast == order, "\(order)")
                #expect(Self.fastRead(bytes, .skip) == order, "\(order)")
            }
        }
        let spaced =
            #" { "urgent" : true , "lines" : [ { "sku" : "S" , "line_no" : 2 } , {"sku":"T","line_no":3,"backordered":true} ] , "ref" : "r" , "qty" : 4 , "total_minor" : 5 } "#
        let expected = TestOrder(
            reference: "r",
            lines: [TestLine(sku: "S", lineNumber: 2), TestLine(sku: "T", lineNumber: 3, backordered: true)],
            quantity: 4, urgent: true, totalMinor: 5)
        #expect(Self.fastRead(Array(spaced.utf8)) == expected)
        #expect(Self.thorough(spaced).success == expected)
    }

    /// Unknown fields inside an element follow the outer object's policy: requests leave them to the
    /// thorough reader, which ignores them; events skip them.
    @Test func unknownFieldsInElementsFollowTheOuterPolicy() {
        let json = #"{"lines":[{"line_no":1,"sku":"S","x":[1,{"y":null}]}],"qty":1,"ref":"r","total_minor":2}"#
        let expected = TestOrder(reference: "r", lines: [TestLine(sku: "S", lineNumber: 1)], totalMinor: 2)
        #expect(Self.fastRead(Array(json.utf8), .refuse) == nil)
        #expect(Self.fastRead(Array(json.utf8), .skip) == expected)
        #expect(Self.thorough(json).success == expected)
    }

    /// Absent and null flags are false, to both readers, at any depth.
    @Test func nullAndAbsentFlagsAreFalse() {
        let json =
            #"{"lines":[{"backordered":null,"line_no":1,"sku":"S"},{"line_no":2,"sku":"T"}],"qty":1,"ref":"r","total_minor":0,"urgent":null}"#
        let expected = TestOrder(
            reference: "r", lines: [TestLine(sku: "S", lineNumber: 1), TestLine(sku: "T", lineNumber: 2)])
        #expect(Self.fastRead(Array(json.utf8)) == expected)
        #expect(Self.thorough(json).success == expected)
    }

    /// One broken member at a time: the thorough reader's code, field and message, and nil from the
    /// fast reader (under either policy), so the thorough reader is the one that answers.
    @Test(arguments: [
        (#""total_minor":"100""#, ErrorCode.invalidField, "total_minor", "payload.total_minor must be an integer"),
        (#""total_minor":1.5"#, .invalidField, "total_minor", "payload.total_minor must be an integer, got 1.5"),
        (#""total_minor":null"#, .missingField, "total_minor", "payload.total_minor is required"),
        (#""qty":1.5"#, .invalidQuantity, "qty", "payload.qty must be a whole number, got 1.5"),
        (#""urgent":"yes""#, .invalidField, "urgent", "payload.urgent must be true or false"),
        (#""urgent":1"#, .invalidField, "urgent", "payload.urgent must be true or false"),
        (#""lines":{"sku":"S","line_no":1}"#, .invalidField, "lines", "payload.lines must be an array"),
        (#""lines":null"#, .missingField, "lines", "payload.lines is required"),
        (#""lines":[{"sku":"S","line_no":1},7]"#, .invalidField, "lines", "payload.lines[1] must be an object"),
        (#""lines":[{"sku":"S","line_no":1},null]"#, .invalidField, "lines", "payload.lines[1] must be an object"),
        (#""lines":[{"sku":"S","line_no":1},{"line_no":2}]"#, .missingField, "sku", "payload.lines[1].sku is required"),
        (
            #""lines":[{"sku":"S","line_no":1.5}]"#, .invalidField, "line_no",
            "payload.lines[0].line_no must be an integer, got 1.5"
        ),
        (
            #""lines":[{"sku":"S","line_no":1,"backordered":"no"}]"#, .invalidField, "backordered",
            "payload.lines[0].backordered must be true or false"
        ),
    ])
    func malformedMembersAreTheThoroughReadersToJudge(
        _ member: String, _ code: ErrorCode, _ field: String, _ message: String
    ) throws {
        let json = "{\(member),\(Self.validMembers(except: member))}"
        let error = try #require(Self.thorough(json).failure, "\(json)")
        #expect(error.code == code, "\(json)")
        #expect(error.field == field, "\(json)")
        #expect(error.message == message, "\(json)")
        #expect(Self.fastRead(Array(json.utf8), .refuse) == nil, "\(json)")
        #expect(Self.fastRead(Array(json.utf8), .skip) == nil, "\(json)")
    }

    /// The members of a valid order, but for the one a case replaces.
    static func validMembers(except member: String) -> String {
        [
            #""ref":"r""#, #""lines":[{"sku":"S","line_no":1}]"#, #""qty":1"#, #""total_minor":100"#,
            #""urgent":true"#,
        ]
        .filter { valid in !member.hasPrefix(valid.prefix { $0 != ":" }) }
        .joined(separator: ",")
    }

    /// Outside a frame the path starts at the payload itself.
    @Test func pathsStartWhereThePayloadIs() throws {
        let json = #"{"ref":"r","qty":1,"total_minor":1,"lines":[{"sku":"S","line_no":1},{"line_no":2}]}"#
        let result = WireJSON.result(TestOrder.self, from: Array(json.utf8))
        #expect(result.failure == .missingField("sku", in: "lines[1]"))
        #expect(result.failure?.message == "lines[1].sku is required")
    }

    /// A key met twice inside an element: the fast reader declines; JSONDecoder, behind the thorough
    /// reader, accepts the frame (duplicate keys are not an error to it).
    @Test func duplicateKeysInElementsAreLeftToTheThoroughReader() throws {
        let json = #"{"lines":[{"line_no":1,"sku":"A","sku":"B"}],"qty":1,"ref":"r","total_minor":0}"#
        #expect(Self.fastRead(Array(json.utf8), .refuse) == nil)
        #expect(Self.fastRead(Array(json.utf8), .skip) == nil)
        let read = try #require(Self.thorough(json).success)
        #expect(read.lines.count == 1 && ["A", "B"].contains(read.lines[0].sku))
    }

    /// Nesting beyond the fast reader's bound goes to the thorough reader, which reads it.
    @Test func deepNestingIsLeftToTheThoroughReader() throws {
        func tree(depth: Int) -> String {
            depth == 0 ? #"{"children":[]}"# : #"{"children":[\#(tree(depth: depth - 1))]}"#
        }
        let shallow = Array(tree(depth: 20).utf8)
        let deep = Array(tree(depth: 40).utf8)
        #expect(WireFastReader.payload(TestTree.self, shallow, unknownFields: .refuse) != nil)
        #expect(WireFastReader.payload(TestTree.self, deep, unknownFields: .refuse) == nil)
        #expect(try JSONDecoder().decode(TestTree.self, from: Data(deep)) != TestTree())
    }

    /// Differential fuzzing: whatever the fast reader reads from a broken or odd frame, the thorough
    /// reader reads the same.
    @Test func mutatedPayloadsReadTheSameBothWays() {
        let seeds = Self.plainOrders.map { Array(WireJSON.encode($0)) }
        for bytes in FastPathTests.mutated(seeds, seed: 47) {
            let thorough = try? JSONDecoder().decode(TestOrder.self, from: Data(bytes))
            for policy in [WireFastReader.UnknownFields.refuse, .skip] {
                if let fast = Self.fastRead(bytes, policy) {
                    #expect(fast == thorough, "\(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
    }
}
