import Contracts
import Foundation
import Testing

/// Invariant 7: bad input gets a structured error with a stable code and the field at fault.
@Suite struct MalformedCommandTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let frame: Data
        let code: ErrorCode
        let field: String?
        /// The command id the reply must echo (nil when unreadable).
        let commandID: String?

        init(_ description: String, _ json: String, _ code: ErrorCode, _ field: String?, commandID: String? = "c1") {
            self.init(description, Data(json.utf8), code, field, commandID: commandID)
        }

        init(_ description: String, _ frame: Data, _ code: ErrorCode, _ field: String?, commandID: String? = "c1") {
            self.description = description
            self.frame = frame
            self.code = code
            self.field = field
            self.commandID = commandID
        }
    }

    static func allocate(_ payload: String) -> String {
        #"{"command_id": "c1", "type": "Allocate", "payload": \#(payload)}"#
    }

    /// An allocation, which needs no principal, with `issued_by` set to the JSON `value`.
    static func issued(by value: String) -> String {
        #"{"command_id": "c1", "type": "Allocate", "payload": {"orderid": "o1", "sku": "LAMP", "qty": 1}, "issued_by": \#(value)}"#
    }

    static let cases: [Case] = [
        Case("not JSON", "allocate please", .badJSON, nil, commandID: nil),
        Case("empty frame", "", .badJSON, nil, commandID: nil),
        Case("JSON array", #"[{"command_id": "c1"}]"#, .badJSON, nil, commandID: nil),
        Case("JSON null", "null", .badJSON, nil, commandID: nil),
        Case("JSON string", #""Allocate""#, .badJSON, nil, commandID: nil),
        Case(
            "trailing garbage", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 1}"#) + "}", .badJSON, nil,
            commandID: nil),
        Case("invalid UTF-8", Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]), .badJSON, nil, commandID: nil),
        Case("deeply nested", String(repeating: "[", count: 50_000), .badJSON, nil, commandID: nil),
        Case(
            "missing command_id", #"{"type": "Deallocate", "payload": {"orderid": "o1", "sku": "LAMP"}}"#,
            .missingField, "command_id", commandID: nil),
        Case(
            "null command_id", #"{"command_id": null, "type": "Deallocate", "payload": {}}"#, .missingField,
            "command_id", commandID: nil),
        Case(
            "numeric command_id", #"{"command_id": 7, "type": "Deallocate", "payload": {}}"#, .invalidField,
            "command_id", commandID: nil),
        Case(
            "empty command_id", #"{"command_id": "", "type": "Deallocate", "payload": {}}"#, .invalidField,
            "command_id", commandID: nil),
        Case(
            "101-char command_id",
            #"{"command_id": "\#(String(repeating: "c", count: 101))", "type": "Deallocate", "payload": {}}"#,
            .invalidField, "command_id", commandID: nil),
        Case(
            "missing type", #"{"command_id": "c1", "payload": {"orderid": "o1", "sku": "LAMP"}}"#, .missingField, "type"
        ),
        Case("numeric type", #"{"command_id": "c1", "type": 3, "payload": {}}"#, .invalidField, "type"),
        Case("unknown type", #"{"command_id": "c1", "type": "Teleport", "payload": {}}"#, .unknownType, "type"),
        Case("type in wrong case", #"{"command_id": "c1", "type": "allocate", "payload": {}}"#, .unknownType, "type"),
        Case(
            "schema_version 99",
            #"{"command_id": "c1", "type": "Deallocate", "schema_version": 99, "payload": {"orderid": "o1", "sku": "LAMP"}}"#,
            .unsupportedSchemaVersion, "schema_version"),
        Case(
            "schema_version as string",
            #"{"command_id": "c1", "type": "Deallocate", "schema_version": "1", "payload": {}}"#,
            .invalidField, "schema_version"),
        Case("missing payload", #"{"command_id": "c1", "type": "Allocate"}"#, .missingField, "payload"),
        Case(
            "payload not an object", #"{"command_id": "c1", "type": "Allocate", "payload": [1]}"#, .invalidField,
            "payload"),
        Case("missing payload field", allocate(#"{"orderid": "o1", "qty": 1}"#), .missingField, "sku"),
        Case("null payload field", allocate(#"{"orderid": "o1", "sku": null, "qty": 1}"#), .missingField, "sku"),
        Case("qty as string", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": "5"}"#), .invalidField, "qty"),
        Case("qty as bool", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": true}"#), .invalidField, "qty"),
        Case("qty 10.5", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 10.5}"#), .invalidQuantity, "qty"),
        Case("qty -1", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": -1}"#), .invalidQuantity, "qty"),
        Case("qty 0 for Allocate", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 0}"#), .invalidQuantity, "qty"),
        Case("qty 1e30", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 1e30}"#), .invalidQuantity, "qty"),
        Case("qty 1e400", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 1e400}"#), .invalidQuantity, "qty"),
        Case(
            "qty beyond Int", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 99999999999999999999}"#),
            .invalidQuantity, "qty"),
        Case(
            "qty above the maximum", allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 1000000001}"#),
            .invalidQuantity, "qty"),
        Case("empty sku", allocate(#"{"orderid": "o1", "sku": "", "qty": 1}"#), .invalidField, "sku"),
        Case(
            "sku with a control character", allocate(#"{"orderid": "o1", "sku": "LA\u0000MP", "qty": 1}"#),
            .invalidField, "sku"),
        Case(
            "101-char orderid",
            allocate(#"{"orderid": "\#(String(repeating: "o", count: 101))", "sku": "LAMP", "qty": 1}"#),
            .invalidField, "orderid"),
        Case(
            "bad eta",
            #"{"command_id": "c1", "type": "CreateBatch", "payload": {"ref": "b1", "sku": "LAMP", "qty": 5, "eta": "2026-13-01"}}"#,
            .invalidField, "eta"),
        Case(
            "eta not a date",
            #"{"command_id": "c1", "type": "CreateBatch", "payload": {"ref": "b1", "sku": "LAMP", "qty": 5, "eta": "soon"}}"#,
            .invalidField, "eta"),
        Case(
            "negative batch qty",
            #"{"command_id": "c1", "type": "ChangeBatchQuantity", "payload": {"ref": "b1", "qty": -3}}"#,
            .invalidQuantity, "qty"),
        Case(
            "empty ref", #"{"command_id": "c1", "type": "ChangeBatchQuantity", "payload": {"ref": "", "qty": 3}}"#,
            .invalidField, "ref"),
        // issued_by is an identifier on every command, also one that does not use it (it is stored
        // with the command and carried in its events), and is checked after the payload's formats.
        Case("empty issued_by", issued(by: #""""#), .invalidField, "issued_by"),
        Case("issued_by with a control character", issued(by: #""a\u0001b""#), .invalidField, "issued_by"),
        Case(
            "101-char issued_by", issued(by: "\"\(String(repeating: "p", count: 101))\""), .invalidField,
            "issued_by"),
        Case("numeric issued_by", issued(by: "7"), .invalidField, "issued_by"),
        Case(
            "a bad sku before a bad issued_by",
            #"{"command_id": "c1", "type": "Allocate", "payload": {"orderid": "o1", "sku": "", "qty": 1}, "issued_by": ""}"#,
            .invalidField, "sku"),
        // Two problems: the field listed first in docs/PROTOCOL.md is reported, and issued_by last.
        Case(
            "a bad qty before a bad eta",
            #"{"command_id": "c1", "type": "CreateBatch", "payload": {"ref": "b1", "sku": "LAMP", "qty": -1, "eta": "soon"}}"#,
            .invalidQuantity, "qty"),
        Case(
            "a blank reason before a missing issued_by",
            #"{"command_id": "c1", "type": "RejectPurchaseOrder", "payload": {"po": "PO-1", "reason": " "}}"#,
            .invalidField, "reason"),
        Case(
            "a blank override_reason before a missing issued_by",
            #"{"command_id": "c1", "type": "ApproveInvoice", "payload": {"supplier": "S", "invoice": "I", "override_reason": ""}}"#,
            .invalidField, "override_reason"),
        Case(
            "a bad supplier before a bad currency",
            #"{"command_id": "c1", "type": "RegisterInvoice", "payload": {"supplier": "", "invoice": "I", "po": "P", "invoice_date": "2027-01-01", "currency": "eur", "lines": [{"sku": "S", "qty": 1, "unit_price": 1}]}}"#,
            .invalidField, "supplier"),
        Case(
            "an invoice line's bad qty before its bad unit_price",
            #"{"command_id": "c1", "type": "RegisterInvoice", "payload": {"supplier": "S", "invoice": "I", "po": "P", "invoice_date": "2027-01-01", "currency": "EUR", "lines": [{"sku": "S", "qty": 0, "unit_price": -1}]}}"#,
            .invalidQuantity, "qty"),
        Case(
            "a bad amount before a bad currency",
            #"{"command_id": "c1", "type": "RecordPayment", "payload": {"supplier": "S", "invoice": "I", "amount": 0, "currency": "eur", "paid_on": "2027-01-01", "reference": "R"}}"#,
            .invalidQuantity, "amount"),
        Case(
            "a blank name before a bad currency",
            #"{"command_id": "c1", "type": "CreateSupplier", "payload": {"supplier": "S", "name": "", "currency": "eur", "terms_days": 30}}"#,
            .invalidField, "name"),
        Case(
            "a missing issued_by after the fields",
            #"{"command_id": "c1", "type": "CancelPurchaseOrder", "payload": {"po": "PO-1", "reason": "late"}}"#,
            .missingField, "issued_by"),
        Case(
            "frame too large", Data(repeating: 0x20, count: WireLimits.maximumRequestBytes + 1), .frameTooLarge, nil,
            commandID: nil),
    ]

    @Test(arguments: cases)
    func isRefusedWithTheRightCodeAndField(_ input: Case) throws {
        let failure = try #require(CommandCodec.decode(input.frame).failure)
        #expect(failure.error.code == input.code, "\(failure.error)")
        #expect(failure.error.field == input.field, "\(failure.error)")
        #expect(failure.commandID == input.commandID)
        #expect(!failure.error.message.isEmpty)
        let reply = try CommandCodec.decodeReply(CommandCodec.encode(CommandReply.failure(failure))).get()
        #expect(reply.status == .error)
        #expect(reply.error?.retryable == false)
        #expect(reply.commandID == input.commandID)
    }

    @Test func aQuantityMessageIsHuman() throws {
        let frame = Data(Self.allocate(#"{"orderid": "o1", "sku": "LAMP", "qty": 10.5}"#).utf8)
        #expect(
            try #require(CommandCodec.decode(frame).failure).error.message
                == "payload.qty must be a whole number, got 10.5")
    }

    @Test func theFirstProblemInFieldOrderIsReported() throws {
        // Envelope before payload: an unknown type wins over a broken payload.
        let frame = Data(#"{"command_id": "c1", "type": "Nope", "payload": 3}"#.utf8)
        #expect(try #require(CommandCodec.decode(frame).failure).error.code == .unknownType)
    }
}
