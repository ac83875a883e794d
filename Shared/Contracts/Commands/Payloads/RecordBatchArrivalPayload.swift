/// `RecordBatchArrival`: the batch's stock arrived; it becomes warehouse stock.
public struct RecordBatchArrivalPayload: CommandPayloadProtocol {
    public static let commandType = CommandType.recordBatchArrival

    public var reference: String = ""

    public init() {}

    public init(reference: String) {
        self.reference = reference
    }

    public mutating func wireFields(_ fields: inout some WireFields) throws(WireError) {
        try fields.string("ref", &reference)
    }
}
