import Foundation

/// Names and shares out the work of one `bench allocate` run.
///
/// Every identifier (SKUs, batch references, order ids, command ids) starts with the run id, so
/// runs against the same database never collide, and a test can find a run's orders by name. Which
/// SKU a command hits follows a fixed rule, so the load is spread evenly over the SKUs.
struct AllocationPlan: Sendable, Equatable {
    /// A batch's purchased quantity: the protocol's maximum, so a benchmark never runs out.
    static let batchQuantity = 1_000_000_000
    /// Warehouse batches per SKU: more than one, so allocation really chooses.
    static let batchesPerSKU = 2

    let runID: String
    let clients: Int
    let skus: Int

    /// Which part of the run a command belongs to; it is part of the order id.
    enum Phase: String, Sendable {
        case prior = "p"
        case warmup = "w"
        case measured = "m"
    }

    func sku(_ index: Int) -> String { "\(runID)-sku-\(index)" }

    func batchReference(sku: Int, batch: Int) -> String { "\(runID)-b\(sku)-\(batch)" }

    /// The SKU of client `client`'s `k`-th command of a phase: neighbouring clients and a client's
    /// consecutive commands land on different SKUs, and every SKU gets the same share.
    func skuIndex(client: Int, command k: Int) -> Int { (client + k * clients) % skus }

    /// The order id (also used as the command id) of client `client`'s `k`-th command of `phase`.
    func orderID(_ phase: Phase, client: Int, command k: Int) -> String { "\(runID)-\(phase.rawValue)\(client)-\(k)" }

    /// The `index`-th batch to create (SKU-major), as a request.
    func createBatch(_ index: Int) -> CreateBatchRequest {
        let sku = index / Self.batchesPerSKU
        let batch = index % Self.batchesPerSKU
        let reference = batchReference(sku: sku, batch: batch)
        return CreateBatchRequest(commandID: "\(reference)-create", reference: reference, sku: self.sku(sku))
    }

    var batchCount: Int { skus * Self.batchesPerSKU }

    /// One CreateBatch of the plan, before it is encoded.
    struct CreateBatchRequest: Sendable, Equatable {
        var commandID: String
        var reference: String
        var sku: String
    }

    /// A short random run id: six lower-case letters and digits.
    static func randomRunID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<6).map { _ in alphabet.randomElement()! })
    }

    /// Run ids end up inside identifiers (100 characters at most) and URL paths, so they stay short
    /// and plain.
    static func isValidRunID(_ text: String) -> Bool {
        (1...32).contains(text.count)
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
    }
}
