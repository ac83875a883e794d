/// When the next group should start, once a group has been answered: at once, or after waiting
/// briefly for the answered callers to send again.
///
/// Clients that wait for each answer before sending (most do) come back a little after their
/// answer. Starting the next group before they arrive splits them into two halves that take turns,
/// each half paying a durable commit of its own; waiting for them lets one group carry them all.
/// The wait ends as soon as as many commands wait as were in flight, and never lasts longer than
/// the window.
///
/// How soon callers come back depends on the machine: 0.3–1 ms on a quiet one, 2–3 ms on a busy
/// one, where a fixed window would run out every time and grouping would fall apart. So the window
/// adapts, between the configured `shortest` and `stretch` times that: a wait that runs out while
/// at least half of the answered callers came back doubles it (they are coming, only slowly); a
/// wait that ends in time shrinks it halfway towards twice what that wait took, never grows it.
/// Only the answered callers' return stretches it, told apart by their connection: clients that
/// send on a schedule of their own come back when it says, and other clients' arrivals, which may
/// end a wait as well, say nothing of how soon callers come back.
/// Callers that do not come back (arrivals that do not wait for answers) are not waited for again
/// for a while: two windows in a row that run out with fewer than half of them back turn waiting
/// off for the next `pause` groups. The group committer keeps one, and the timer; this decides.
struct GroupGathering: Sendable {
    enum Decision: Equatable, Sendable {
        case startNow
        /// Wait until this many commands are queued, or `within` runs out.
        case gather(until: Int, within: Duration)
    }

    /// How many groups start at once after two windows in a row ran out.
    static let pause = 64
    /// The longest window, as a multiple of the shortest.
    static let stretch = 4

    /// The configured window: the shortest wait, and the unit of the longest.
    let shortest: Duration
    /// The window of the next wait.
    private(set) var window: Duration
    private var misses = 0
    private var groupsToSkip = 0

    init(shortest: Duration) {
        self.shortest = shortest
        self.window = shortest
    }

    /// A group of `answered` commands was answered while `queued` commands wait; groups carry at
    /// most `maximum`.
    mutating func afterAnswering(_ answered: Int, queued: Int, maximum: Int) -> Decision {
        if groupsToSkip > 0 {
            groupsToSkip -= 1
            return .startNow
        }
        let inFlight = min(answered + queued, maximum)
        guard answered > 1, queued < inFlight else { return .startNow }
        return .gather(until: inFlight, within: window)
    }

    /// Enough commands arrived, `after` waiting this long: callers do come back.
    mutating func gathered(after elapsed: Duration) {
        misses = 0
        window = max(shortest, min(window, (window + elapsed * 2) / 2))
    }

    /// The window ran out with `returned` of the answered group's `callers` back.
    mutating func ranOut(returned: Int, of callers: Int) {
        if callers > 0, returned * 2 >= callers {
            window = min(window * 2, shortest * Self.stretch)
            return
        }
        misses += 1
        if misses >= 2 {
            misses = 0
            groupsToSkip = Self.pause
        }
    }
}
