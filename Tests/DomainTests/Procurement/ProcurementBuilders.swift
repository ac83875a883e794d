import Domain

// Builders so procurement's tests read as its rules: `approvedOrder(items: [("LAMP", 10, 500)])`.

let eur = try! Currency("EUR")
let usd = try! Currency("USD")
let alice = try! Principal("alice")
let bob = try! Principal("bob")

func money(_ minorUnits: Int, _ currency: Currency = eur) -> Money {
    try! Money(minorUnits: minorUnits, currency: currency)
}

func acme(terms: Int = 30, currency: Currency = eur) -> Supplier {
    Supplier.create(
        try! CreateSupplier(supplier: SupplierID("ACME"), name: "Acme", currency: currency, paymentTermsDays: terms))
}

func draftOrder(_ number: String = "PO-1", items: [(String, Int, Int)] = [], requester: Principal = alice)
    -> PurchaseOrder
{
    var order = PurchaseOrder.create(
        CreatePurchaseOrder(
            number: try! PurchaseOrderNumber(number), supplier: acme().id, expectedDelivery: day("2027-01-15"),
            requester: requester),
        supplier: acme())
    for (sku, quantity, price) in items {
        try! order.addItem(sku: SKU(sku), quantity: quantity, unitPrice: money(price))
    }
    return order
}

func approvedOrder(_ number: String = "PO-1", items: [(String, Int, Int)]) -> PurchaseOrder {
    var order = draftOrder(number, items: items)
    try! order.submit(by: alice)
    try! order.approve(by: bob)
    _ = order.takeEvents()
    return order
}

func receipt(_ line: Int, _ quantity: Int, closeShort: Bool = false) -> ReceiptLine {
    try! ReceiptLine(line: line, quantity: quantity, closeShort: closeShort)
}

func invoiceLine(_ sku: String, _ quantity: Int, _ price: Int, _ currency: Currency = eur) -> InvoiceLine {
    try! InvoiceLine(sku: SKU(sku), quantity: quantity, unitPrice: money(price, currency))
}

func registerInvoice(
    _ number: String = "INV-1", against order: PurchaseOrder, lines: [InvoiceLine], date: String = "2027-01-20",
    match: ThreeWayMatch = ThreeWayMatch()
) throws(ProcurementError) -> Invoice {
    try Invoice.register(
        try! RegisterInvoice(
            supplier: SupplierID("ACME"), number: InvoiceNumber(number), purchaseOrder: order.number,
            invoiceDate: day(date), lines: lines),
        against: order, match: match)
}
