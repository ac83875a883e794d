import Contracts
import Messaging

/// The measured phase of `bench allocate`: every client's loop, each on a DEALER of its own, all
/// driven by one thread over a `DealerSet`, as pgbench drives its connections.
///
/// Each client has at most one command in flight. It sends the next one as soon as the answer came
/// (closed loop), or at its turn in the schedule (`--rate`); it gives up on an answer after
/// `timeout`, and a late answer to an earlier command is skipped (its id does not match). The
/// client side's cost per command is then one wake-up and the encoding and decoding; through
/// tasks and socket threads it was several times that, on the cores the service shares.
struct PolledClients: Sendable {
    let plan: AllocationPlan
    let schedule: LoadSchedule
    let timeout: Duration
    let freshness: FreshnessProbe?

    private struct Client {
        /// Commands answered (or given up on) since the warm-up began: the next one's number.
        var sent = 0
        var warmups = 0
        var measured = 0
        var inFlight: InFlight?
        var done = false
    }

    private struct InFlight {
        let commandID: String
        let phase: AllocationPlan.Phase
        let sentAt: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
    }

    /// Runs every client until the schedule's end (or count) and returns what they saw. Blocks: call
    /// it on a thread of its own.
    func run(on dealers: DealerSet) throws(MessagingError) -> AllocationTally {
        var clients = [Client](repeating: Client(), count: dealers.count)
        var tally = AllocationTally()
        let tickets = Tickets()
        while true {
            let now = ContinuousClock.now
            var wake: ContinuousClock.Instant?
            for index in clients.indices where !clients[index].done {
                if let flight = clients[index].inFlight {
                    guard flight.deadline <= now else {
                        wake = min(wake ?? flight.deadline, flight.deadline)
                        continue
                    }
                    finish(&clients[index], .none(code: "timeout"), into: &tally)
                }
                if let due = schedule.sendTime(client: index, command: clients[index].sent), due > now {
                    wake = min(wake ?? due, due)
                    continue
                }
                try send(index, &clients[index], on: dealers, tickets: tickets)
                if let flight = clients[index].inFlight { wake = min(wake ?? flight.deadline, flight.deadline) }
            }
            guard let wake else { return tally }  // every client is done
            for (index, frames) in try dealers.poll(timeout: max(.zero, wake - .now)) {
                guard let flight = clients[index].inFlight, frames.count == 1,
                    case .success(let reply) = CommandCodec.decodeReply(frames[0]),
                    reply.commandID == flight.commandID || reply.commandID == nil
                else { continue }  // a late answer to a command given up on
                let receivedAt = ContinuousClock.now
                if let freshness, flight.phase == .measured, reply.result?.outcome == .allocated,
                    let position = reply.position
                {
                    freshness.offer(.init(orderID: flight.commandID, position: position, receivedAt: receivedAt))
                }
                finish(&clients[index], .reply(reply, receivedAt: receivedAt), into: &tally)
            }
        }
    }

    /// Sends client `index`'s next command, or marks it done when measuring is over.
    private func send(
        _ index: Int, _ client: inout Client, on dealers: DealerSet, tickets: Tickets
    ) throws(MessagingError) {
        let sentAt = ContinuousClock.now
        let phase: AllocationPlan.Phase
        let k: Int
        if sentAt < schedule.measureStart {
            (phase, k) = (.warmup, client.warmups)
            client.warmups += 1
        } else {
            switch schedule.stop {
            case .after:
                if let end = schedule.measureEnd, sentAt >= end {
                    client.done = true
                    return
                }
            case .count(let total):
                if tickets.claim() >= total {
                    client.done = true
                    return
                }
            }
            (phase, k) = (.measured, client.measured)
            client.measured += 1
        }
        // The order id is the command id: a retry would be the same command.
        let order = plan.orderID(phase, client: index, command: k)
        let sku = plan.sku(plan.skuIndex(client: index, command: k))
        let request = CommandRequest(
            commandID: order, payload: .allocate(AllocatePayload(orderID: order, sku: sku, quantity: 1)))
        try dealers.send(index, CommandCodec.encode(request))
        client.inFlight = InFlight(commandID: order, phase: phase, sentAt: sentAt, deadline: sentAt + timeout)
    }

    private func finish(_ client: inout Client, _ answer: CommandAnswer, into tally: inout AllocationTally) {
        guard let flight = client.inFlight else { return }
        client.inFlight = nil
        client.sent += 1
        if flight.phase == .measured {
            tally.record(answer, sentAt: flight.sentAt)
        } else {
            tally.warmupCommands += 1
        }
    }
}
