/// `SchedulePayment`: sent by the payment policy when an invoice is approved; idempotent.
public struct SchedulePaymentPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.schedulePayment

    public var supplier: String = ""
    public var number: String = ""

    public init() {}

    public init(supplier: String, number: String) {
        self.supplier = supplier
        self.number = number
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("supplier", &supplier)
        try fields.string("invoice", &number)
    }
}
