/// When the next group should start, once a group has been answered: at once, or after waiting
/// briefly for the answered callers to send again.
///
/// Clients that wait for each answer before sending (most do) come back a little after their
/// answer. Starting the next group before they arrive splits them into two halves that take turns,
/// each half paying a durable commit of its own; waiting for them lets one group carry them all.
/// The wait ends as soon as as many commands wait as were in flight, and never lasts longer than
/// the window. Callers that do not come back in time (arrivals that do not wait for answers) are
/// not waited for again for a while: two windows in a row that run out turn waiting off for the
/// next `pause` groups. The group committer keeps one, and the timer; this decides.
struct GroupGathering: Sendable {
    enum Decision: Equatable, Sendable {
        case startNow
        /// Wait until this many commands are queued, or the window runs out.
        case gather(until: Int)
    }

    /// How many groups start at once after two windows in a row ran out.
    static let pause = 64

    private var misses = 0
    private var groupsToSkip = 0

    /// A group of `answered` commands was answered while `queued` commands wait; groups carry at
    /// most `maximum`.
    mutating func afterAnswering(_ answered: Int, queued: Int, maximum: Int) -> Decision {
        if groupsToSkip > 0 {
            groupsToSkip -= 1
            return .startNow
        }
        let inFlight = min(answered + queued, maximum)
        guard answered > 1, queued < inFlight else { return .startNow }
        return .gather(until: inFlight)
    }

    /// Enough commands arrived before the window ran out: callers do come back.
    mutating func gathered() { misses = 0 }

    /// The window ran out first.
    mutating func ranOut() {
        misses += 1
        if misses >= 2 {
            misses = 0
            groupsToSkip = Self.pause
        }
    }
}
