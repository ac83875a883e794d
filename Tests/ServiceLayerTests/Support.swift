import CommandService
import Domain
import Logging
import Synchronization

func sku(_ raw: String) -> SKU { try! SKU(raw) }
func ref(_ raw: String) -> BatchReference { try! BatchReference(raw) }
func order(_ raw: String) -> OrderID { try! OrderID(raw) }

/// Builds envelopes the way an entrypoint would, with a fresh id unless one is given.
final class Commands: Sendable {
    private let counter = Mutex(0)

    func envelope(_ command: any Command, id: String? = nil) -> CommandEnvelope {
        let id = id ?? "cmd-\(counter.withLock { $0 += 1; return $0 })"
        return CommandEnvelope(id: id, fingerprint: String(describing: command), command: command)
    }

    func createBatch(_ reference: String, _ sku: String, _ quantity: Int, eta: String? = nil) -> CommandEnvelope {
        envelope(
            try! CreateBatch(
                reference: ref(reference), sku: ServiceLayerTests.sku(sku), quantity: quantity,
                eta: eta.map { try! Day(iso8601: $0) }))
    }

    func allocate(_ orderID: String, _ sku: String, _ quantity: Int, id: String? = nil) -> CommandEnvelope {
        envelope(try! Allocate(orderID: order(orderID), sku: ServiceLayerTests.sku(sku), quantity: quantity), id: id)
    }

    func changeBatchQuantity(_ reference: String, _ quantity: Int) -> CommandEnvelope {
        envelope(try! ChangeBatchQuantity(reference: ref(reference), quantity: quantity))
    }

    func deallocate(_ orderID: String, _ sku: String) -> CommandEnvelope {
        envelope(Deallocate(orderID: order(orderID), sku: ServiceLayerTests.sku(sku)))
    }
}

/// A fresh in-memory store and the bus over it.
func makeBus(maximumAttempts: Int = 5) -> (MessageBus, InMemoryStore) {
    let store = InMemoryStore()
    return (
        Bootstrap.messageBus(unitOfWork: store, maximumAttempts: maximumAttempts, logger: Logger(label: "test")), store
    )
}

/// The journal's events of one type.
func events<E: Event>(_ type: E.Type, in store: InMemoryStore) -> [E] {
    store.journal.compactMap { $0.event as? E }
}
