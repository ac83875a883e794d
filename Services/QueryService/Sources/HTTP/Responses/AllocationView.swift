// What the HTTP API returns, as Codable values, one concept a file in this folder. Property names
// become snake_case JSON keys (see `APIJSON`), and docs/query-api.openapi.yaml describes each one.

/// One line of `GET /allocations/{orderid}`: the book's `[{"sku": …, "batchref": …}]`.
public struct AllocationView: Codable, Sendable, Equatable {
    public var sku: String
    public var batchref: String

    public init(sku: String, batchref: String) {
        self.sku = sku
        self.batchref = batchref
    }
}
