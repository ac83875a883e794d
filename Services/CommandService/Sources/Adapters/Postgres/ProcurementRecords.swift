import Domain
import Foundation

/// How procurement's aggregates are stored: one JSON document each in `procurement_documents`.
///
/// A document per aggregate keeps an order and its items, or an invoice and its lines and
/// discrepancies, one row read and one row written, checked by its version like a product's. These
/// records are the storage format; the domain types never learn about it.
enum ProcurementRecords {
    static func encode(_ document: ProcurementDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        switch document {
        case .supplier(let s): data = try encoder.encode(SupplierRecord(s))
        case .order(let o): data = try encoder.encode(OrderRecord(o))
        case .invoice(let i): data = try encoder.encode(InvoiceRecord(i))
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(kind: String, id: String, version: Int, body: String) throws -> ProcurementDocument {
        let decoder = JSONDecoder()
        let data = Data(body.utf8)
        switch kind {
        case "supplier":
            return .supplier(try decoder.decode(SupplierRecord.self, from: data).supplier(id: id, version: version))
        case "po":
            return .order(try decoder.decode(OrderRecord.self, from: data).order(number: id, version: version))
        case "invoice":
            return .invoice(try decoder.decode(InvoiceRecord.self, from: data).invoice(version: version))
        default:
            throw UnitOfWorkError.unavailable("unknown procurement document kind \(kind)")
        }
    }

    struct SupplierRecord: Codable {
        let name: String
        let currency: String
        let termsDays: Int

        init(_ s: Supplier) {
            name = s.name
            currency = s.currency.code
            termsDays = s.paymentTermsDays
        }

        func supplier(id: String, version: Int) throws -> Supplier {
            Supplier(
                id: SupplierID(unchecked: id), name: name, currency: try Currency(currency),
                paymentTermsDays: termsDays,
                version: version)
        }
    }

    struct ItemRecord: Codable {
        let line: Int
        let sku: String
        let qty: Int
        let unitPrice: Int
        let received: Int
        let closedShort: Bool
        let invoiced: Int
    }

    struct OrderRecord: Codable {
        let supplier: String
        let currency: String
        let requester: String
        let expectedDelivery: String
        let status: String
        let approver: String?
        let items: [ItemRecord]

        init(_ o: PurchaseOrder) {
            supplier = o.supplier.rawValue
            currency = o.currency.code
            requester = o.requester.rawValue
            expectedDelivery = o.expectedDelivery.description
            status = o.status.rawValue
            approver = o.approver?.rawValue
            items = o.items.map {
                ItemRecord(
                    line: $0.line, sku: $0.sku.rawValue, qty: $0.quantity, unitPrice: $0.unitPrice.minorUnits,
                    received: $0.received, closedShort: $0.closedShort, invoiced: $0.invoiced)
            }
        }

        func order(number: String, version: Int) throws -> PurchaseOrder {
            let currency = try Currency(currency)
            guard let status = PurchaseOrder.Status(rawValue: status) else {
                throw UnitOfWorkError.unavailable("unreadable order status \(status)")
            }
            return PurchaseOrder(
                number: PurchaseOrderNumber(unchecked: number), supplier: SupplierID(unchecked: supplier),
                currency: currency, requester: Principal(unchecked: requester),
                expectedDelivery: try Day(iso8601: expectedDelivery),
                items: try items.map {
                    PurchaseOrderItem(
                        line: $0.line, sku: SKU(unchecked: $0.sku), quantity: $0.qty,
                        unitPrice: try Money(minorUnits: $0.unitPrice, currency: currency), received: $0.received,
                        closedShort: $0.closedShort, invoiced: $0.invoiced)
                },
                status: status, approver: approver.map(Principal.init(unchecked:)), version: version)
        }
    }

    struct LineRecord: Codable {
        let sku: String
        let qty: Int
        let unitPrice: Int
    }

    struct DiscrepancyRecord: Codable {
        let kind: String
        let sku: String
        let invoiced: Int
        let expected: Int
    }

    struct InvoiceRecord: Codable {
        let supplier: String
        let number: String
        let purchaseOrder: String
        let invoiceDate: String
        let currency: String
        let lines: [LineRecord]
        let status: String
        let discrepancies: [DiscrepancyRecord]
        let paymentDue: String?
        let paymentScheduled: Bool
        let paid: Int

        init(_ i: Invoice) {
            supplier = i.supplier.rawValue
            number = i.number.rawValue
            purchaseOrder = i.purchaseOrder.rawValue
            invoiceDate = i.invoiceDate.description
            currency = i.currency.code
            lines = i.lines.map {
                LineRecord(sku: $0.sku.rawValue, qty: $0.quantity, unitPrice: $0.unitPrice.minorUnits)
            }
            status = i.status.rawValue
            discrepancies = i.discrepancies.map { d in
                switch d {
                case .notOrdered(let sku):
                    DiscrepancyRecord(kind: "not_ordered", sku: sku.rawValue, invoiced: 0, expected: 0)
                case .quantityNotReceived(let sku, let invoiced, let receivable):
                    DiscrepancyRecord(
                        kind: "quantity_not_received", sku: sku.rawValue, invoiced: invoiced, expected: receivable)
                case .priceDiffers(let sku, let invoiced, let ordered):
                    DiscrepancyRecord(
                        kind: "price_differs", sku: sku.rawValue, invoiced: invoiced.minorUnits,
                        expected: ordered.minorUnits)
                }
            }
            paymentDue = i.paymentDue?.description
            paymentScheduled = i.paymentScheduled
            paid = i.paid.minorUnits
        }

        func invoice(version: Int) throws -> Invoice {
            let currency = try Currency(currency)
            func money(_ amount: Int) throws -> Money { try Money(minorUnits: amount, currency: currency) }
            guard let status = Invoice.Status(rawValue: status) else {
                throw UnitOfWorkError.unavailable("unreadable invoice status \(status)")
            }
            return Invoice(
                supplier: SupplierID(unchecked: supplier), number: InvoiceNumber(unchecked: number),
                purchaseOrder: PurchaseOrderNumber(unchecked: purchaseOrder),
                invoiceDate: try Day(iso8601: invoiceDate),
                currency: currency,
                lines: try lines.map {
                    try InvoiceLine(sku: SKU(unchecked: $0.sku), quantity: $0.qty, unitPrice: money($0.unitPrice))
                },
                status: status,
                discrepancies: try discrepancies.map { d in
                    let sku = SKU(unchecked: d.sku)
                    switch d.kind {
                    case "not_ordered": return .notOrdered(sku)
                    case "quantity_not_received":
                        return .quantityNotReceived(sku, invoiced: d.invoiced, receivable: d.expected)
                    default: return .priceDiffers(sku, invoiced: try money(d.invoiced), ordered: try money(d.expected))
                    }
                },
                paymentDue: try paymentDue.map { try Day(iso8601: $0) }, paymentScheduled: paymentScheduled,
                paid: try money(paid), version: version)
        }
    }
}
