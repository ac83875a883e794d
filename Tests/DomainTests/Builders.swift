import Domain

// Small builders so the tests read like the book's: `line("order1", "SMALL-TABLE", 2)`.

func sku(_ raw: String) -> SKU { try! SKU(raw) }
func order(_ raw: String) -> OrderID { try! OrderID(raw) }
func ref(_ raw: String) -> BatchReference { try! BatchReference(raw) }
func day(_ text: String) -> Day { try! Day(iso8601: text) }

func line(_ orderID: String, _ sku: String, _ quantity: Int) -> OrderLine {
    try! OrderLine(orderID: order(orderID), sku: SKU(unchecked: sku), quantity: quantity)
}

func batch(_ reference: String, _ sku: String, _ quantity: Int, eta: String? = nil) -> Batch {
    try! Batch(reference: ref(reference), sku: SKU(unchecked: sku), quantity: quantity, eta: eta.map(day))
}

func makeBatchAndLine(_ sku: String, batchQuantity: Int, lineQuantity: Int) -> (Batch, OrderLine) {
    (batch("batch-001", sku, batchQuantity, eta: "2026-01-01"), line("order-123", sku, lineQuantity))
}
