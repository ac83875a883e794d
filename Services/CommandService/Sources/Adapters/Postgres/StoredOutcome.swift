import Domain

/// How a command's outcome is kept in `processed_commands`.
enum StoredOutcome {
    static func encode(_ outcome: CommandOutcome) -> (String, String?) {
        switch outcome {
        case .batchCreated: ("batch_created", nil)
        case .allocated(let reference): ("allocated", reference.rawValue)
        case .outOfStock: ("out_of_stock", nil)
        case .deallocated: ("deallocated", nil)
        case .quantityChanged: ("quantity_changed", nil)
        }
    }

    static func decode(_ name: String, _ reference: String?) throws -> CommandOutcome {
        switch (name, reference) {
        case ("batch_created", _): .batchCreated
        case ("allocated", let reference?): .allocated(try BatchReference(reference))
        case ("out_of_stock", _): .outOfStock
        case ("deallocated", _): .deallocated
        case ("quantity_changed", _): .quantityChanged
        default: throw UnitOfWorkError.unavailable("unreadable stored outcome \(name)")
        }
    }

    /// A `processed_commands` row (with its last event's mark) as the service layer sees it.
    static func command(_ fingerprint: String, _ outcome: String, _ reference: String?, _ lastSeq: Int64?) throws
        -> StoredCommand
    {
        StoredCommand(
            fingerprint: fingerprint, outcome: try decode(outcome, reference), lastEvent: lastSeq.map(EventMark.init))
    }
}
