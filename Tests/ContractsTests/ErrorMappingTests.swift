import Contracts
import Domain
import Foundation
import Testing

@Suite struct ErrorMappingTests {
    static let rejected: Set<ErrorCode> = [
        .invalidSKU, .unknownBatch, .duplicateBatch, .lineNotAllocated, .conflictingOrderLine, .skuMismatch,
        .unknownSupplier, .duplicateSupplier, .unknownPurchaseOrder, .duplicatePurchaseOrder, .invalidState,
        .selfApproval, .emptyOrder, .duplicateItem, .tooManyLines, .unknownLine, .overReceipt, .currencyMismatch,
        .amountOutOfRange, .duplicateInvoice, .unknownInvoice, .supplierMismatch, .invoiceNotMatched, .overpayment,
    ]
    static let retryable: Set<ErrorCode> = [.concurrencyConflict, .unavailable, .shuttingDown]

    @Test(arguments: ErrorCode.allCases)
    func everyCodeHasItsStatusAndRetryability(_ code: ErrorCode) {
        #expect(code.status == (Self.rejected.contains(code) ? .rejected : .error))
        #expect(code.isRetryable == Self.retryable.contains(code))
        #expect(WireError(code: code, message: "m").retryable == code.isRetryable)
    }

    @Test func codesAreTheDocumentedStrings() {
        #expect(
            ErrorCode.allCases.map(\.rawValue) == [
                "bad_json", "missing_field", "invalid_field", "invalid_quantity", "unknown_type",
                "unsupported_schema_version", "bad_frames", "frame_too_large", "invalid_sku", "unknown_batch",
                "duplicate_batch", "line_not_allocated", "conflicting_order_line", "sku_mismatch",
                "unknown_supplier", "duplicate_supplier", "unknown_purchase_order", "duplicate_purchase_order",
                "invalid_state", "self_approval", "empty_order", "duplicate_item", "too_many_lines", "unknown_line",
                "over_receipt", "currency_mismatch", "amount_out_of_range", "duplicate_invoice", "unknown_invoice",
                "supplier_mismatch", "invoice_not_matched", "overpayment", "unauthenticated", "forbidden",
                "command_id_conflict",
                "concurrency_conflict", "unavailable", "shutting_down", "other_log", "internal",
            ])
    }

    @Test(
        arguments: [
            (DomainError.invalidField("eta", "must be a date"), ErrorCode.invalidField, "eta"),
            (.invalidQuantity("qty", -1, "must be positive"), .invalidQuantity, "qty"),
            (.unknownSKU(sku("LAMP")), .invalidSKU, "sku"),
            (.unknownBatch(ref("b1")), .unknownBatch, "ref"),
            (.duplicateBatch(ref("b1")), .duplicateBatch, "ref"),
            (.skuMismatch(expected: sku("LAMP"), got: sku("DESK")), .skuMismatch, "sku"),
            (.lineNotAllocated(order("o1"), sku("LAMP")), .lineNotAllocated, nil),
            (.conflictingOrderLine(order("o1"), sku("LAMP"), allocated: 2, requested: 3), .conflictingOrderLine, "qty"),
        ] as [(DomainError, ErrorCode, String?)])
    func domainErrorsMapToCodes(_ error: DomainError, _ code: ErrorCode, _ field: String?) {
        let wire = WireError(error)
        #expect(wire.code == code)
        #expect(wire.field == field)
        #expect(wire.message == error.description)
    }

    struct Strict: Decodable {
        struct Payload: Decodable {
            let sku: String
            let qty: Int
        }
        let payload: Payload
    }

    @Test(
        arguments: [
            (#"{"payload": {"qty": 1}}"#, ErrorCode.missingField, "sku", "payload.sku is required"),
            (#"{"payload": {"sku": null, "qty": 1}}"#, .missingField, "sku", "payload.sku is required"),
            (#"{"payload": {"sku": "A", "qty": "1"}}"#, .invalidField, "qty", "payload.qty must be an integer"),
            (#"{"payload": {"sku": 5, "qty": 1}}"#, .invalidField, "sku", "payload.sku must be a string"),
            (#"{"payload": []}"#, .invalidField, "payload", "payload must be an object"),
            ("[]", .badJSON, nil, "the frame is not a JSON object"),
            ("null", .badJSON, nil, "the frame is null, not a JSON object"),
            ("{", .badJSON, nil, "the frame is not valid JSON"),
        ] as [(String, ErrorCode, String?, String)])
    func decodingErrorsMapToCodesWithTheField(_ json: String, _ code: ErrorCode, _ field: String?, _ message: String) {
        do {
            _ = try JSONDecoder().decode(Strict.self, from: Data(json.utf8))
            Issue.record("decoded \(json)")
        } catch let error as DecodingError {
            let wire = WireError(error)
            #expect(wire.code == code)
            #expect(wire.field == field)
            #expect(wire.message == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aDataCorruptedQuantityIsAnInvalidQuantity() {
        let context = DecodingError.Context(codingPath: [TestKey("payload"), TestKey("qty")], debugDescription: "")
        let wire = WireError(DecodingError.dataCorrupted(context))
        #expect(wire.code == .invalidQuantity)
        #expect(wire.field == "qty")
    }

    struct TestKey: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
