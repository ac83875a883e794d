import Contracts
import Domain

/// How the service layer's answers and failures read on the wire (docs/PROTOCOL.md §4).
///
/// Every failure maps to a stable code; what is not recognised has no code here, and the caller
/// answers it as an unknown outcome (retryable) and logs it.
enum CommandReplies {
    static func result(_ outcome: CommandOutcome) -> CommandResult {
        switch outcome {
        case .batchCreated: .batchCreated
        case .allocated(let reference): .allocated(to: reference.rawValue)
        case .outOfStock: .outOfStock
        case .deallocated: .deallocated
        case .quantityChanged: .quantityChanged
        case .batchArrived: CommandResult(outcome: .batchArrived)
        case .supplierCreated: CommandResult(outcome: .supplierCreated)
        case .purchaseOrderCreated: CommandResult(outcome: .purchaseOrderCreated)
        case .itemAdded(let line): CommandResult(outcome: .itemAdded, line: line)
        case .itemRemoved: CommandResult(outcome: .itemRemoved)
        case .purchaseOrderSubmitted: CommandResult(outcome: .purchaseOrderSubmitted)
        case .purchaseOrderApproved: CommandResult(outcome: .purchaseOrderApproved)
        case .purchaseOrderRejected: CommandResult(outcome: .purchaseOrderRejected)
        case .purchaseOrderCancelled: CommandResult(outcome: .purchaseOrderCancelled)
        case .goodsReceived: CommandResult(outcome: .goodsReceived)
        case .invoiceRegistered(let matched):
            CommandResult(outcome: .invoiceRegistered, match: matched ? "matched" : "mismatched")
        case .invoiceApproved: CommandResult(outcome: .invoiceApproved)
        case .invoiceRejected: CommandResult(outcome: .invoiceRejected)
        case .paymentScheduled: CommandResult(outcome: .paymentScheduled)
        case .paymentRecorded: CommandResult(outcome: .paymentRecorded)
        }
    }

    /// The wire error for a failure of the bus, the store or the deadline; nil for a bug.
    static func wireError(_ error: any Error) -> WireError? {
        switch error {
        case let error as DomainError:
            return WireError(error)
        case let error as ProcurementError:
            return WireError(error)
        case ServiceError.commandIDReused(let id):
            return .commandIDConflict(id)
        case ServiceError.tooManyConflicts(let attempts, _):
            return .concurrencyConflict(attempts: attempts)
        case UnitOfWorkError.unavailable(let reason):
            return .unavailable("the database is unavailable: \(reason)")
        case UnitOfWorkError.conflict:
            return .concurrencyConflict(attempts: 1)
        case let error as Deadline.Exceeded:
            return .unavailable("the database did not answer in time (\(error.duration))")
        case is CancellationError:
            return .shuttingDown
        default:
            return nil
        }
    }
}
