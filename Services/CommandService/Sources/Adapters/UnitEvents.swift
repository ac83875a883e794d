import Domain

/// A unit of work's events in the order they are written to the log: command by command, each
/// command's product events and then its procurement events (no command changes both contexts).
enum UnitEvents {
    /// Where one recorded command's events end in each repository's list.
    struct End {
        let products: Int
        let procurement: Int
    }

    /// Each event with its aggregate version and the index of the command that raised it (events
    /// after the last record belong to the last command).
    static func ordered(
        products: [(version: Int, event: any Event)], procurement: [(version: Int, event: any Event)], ends: [End]
    ) -> [(owner: Int?, version: Int, event: any Event)] {
        var result: [(owner: Int?, version: Int, event: any Event)] = []
        result.reserveCapacity(products.count + procurement.count)
        var product = 0
        var other = 0
        for (index, end) in ends.enumerated() {
            while product < end.products {
                result.append((index, products[product].version, products[product].event))
                product += 1
            }
            while other < end.procurement {
                result.append((index, procurement[other].version, procurement[other].event))
                other += 1
            }
        }
        let last = ends.isEmpty ? nil : ends.count - 1
        for entry in products[product...] { result.append((last, entry.version, entry.event)) }
        for entry in procurement[other...] { result.append((last, entry.version, entry.event)) }
        return result
    }
}
