/// The policy reactor's bookkeeping while it reads the log and reacts at the same time: which
/// reactions may start now, and how far along the log everything is finished.
///
/// Reading the next page while the last one's commands are still committing is what keeps the
/// reactor's lag flat under load; these rules keep that safe. Reactions on one key run one at a time
/// in log order, across pages; at most `concurrency` run at once; and the finished position — the
/// checkpoint — never passes an event with a reaction still under way, so a crash reacts again to
/// everything that might not have taken effect (and derived command ids make that harmless).
/// A value with no I/O, owned by the one task that drives the reactor.
public struct ReactionPipeline<Item> {
    public struct Start {
        public let key: String
        public let position: Int
        public let item: Item
    }

    private let concurrency: Int
    /// The position of the last event read.
    public private(set) var lastRead: Int
    /// Events read whose reactions are not all finished, in log order, with how many are left.
    private var open: [(position: Int, left: Int)] = []
    private var openStart = 0
    /// Reactions waiting behind an earlier one on their key, or for a free slot.
    private var lanes: [String: [(position: Int, item: Item)]] = [:]
    private var laneStart: [String: Int] = [:]
    /// Keys with a reaction waiting and none running, in the order they became ready.
    private var ready: [String] = []
    private var readyStart = 0
    private var busy: Set<String> = []
    public private(set) var running = 0

    public init(after position: Int, concurrency: Int) {
        precondition(concurrency >= 1)
        self.lastRead = position
        self.concurrency = concurrency
    }

    /// Events read and not finished yet.
    public var unfinished: Int { open.count - openStart }

    /// Every event up to this position has had all its reactions finished.
    public var finished: Int {
        guard openStart < open.count else { return lastRead }
        return open[openStart].position - 1
    }

    /// Takes in the reactions to the event at `position` (read after every earlier one), and
    /// returns those that may start now.
    public mutating func read(position: Int, reactions: [(key: String, item: Item)]) -> [Start] {
        precondition(position > lastRead, "events are read in log order")
        lastRead = position
        guard !reactions.isEmpty else { return [] }
        open.append((position, reactions.count))
        for (key, item) in reactions {
            if lanes[key, default: []].count == laneStart[key, default: 0], !busy.contains(key) {
                ready.append(key)
            }
            lanes[key, default: []].append((position, item))
        }
        return starts()
    }

    /// Moves past positions read that hold nothing to react to (`PolicyLogPage.through`).
    public mutating func skip(to position: Int) {
        lastRead = max(lastRead, position)
    }

    /// Marks a started reaction finished, and returns those that may start now.
    public mutating func finish(_ start: Start) -> [Start] {
        running -= 1
        busy.remove(start.key)
        if lanes[start.key].map({ $0.count > laneStart[start.key, default: 0] }) == true {
            ready.append(start.key)
        }
        if let index = open[openStart...].firstIndex(where: { $0.position == start.position }) {
            open[index].left -= 1
        }
        while openStart < open.count, open[openStart].left == 0 { openStart += 1 }
        if openStart > 1024, openStart * 2 > open.count {
            open.removeFirst(openStart)
            openStart = 0
        }
        return starts()
    }

    private mutating func starts() -> [Start] {
        var started: [Start] = []
        while running < concurrency, readyStart < ready.count {
            let key = ready[readyStart]
            readyStart += 1
            let index = laneStart[key, default: 0]
            let (position, item) = lanes[key]![index]
            if index + 1 == lanes[key]!.count {
                lanes[key] = nil
                laneStart[key] = nil
            } else {
                laneStart[key] = index + 1
            }
            busy.insert(key)
            running += 1
            started.append(Start(key: key, position: position, item: item))
        }
        if readyStart == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyStart = 0
        }
        return started
    }
}

extension ReactionPipeline.Start: Sendable where Item: Sendable {}
