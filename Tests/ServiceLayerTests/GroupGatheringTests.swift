import Domain
import Synchronization
import Testing

@testable import CommandService

/// When the next group starts after one is answered: at once, or after the answered callers come
/// back (`GroupGathering`), and how the committer keeps every command's answer while it waits.
@Suite struct GroupGatheringTests {
    @Test func waitsForTheCallersOfAGroupWhenFewerWaitThanWereInFlight() {
        var gathering = GroupGathering()
        #expect(gathering.afterAnswering(8, queued: 8, maximum: 64) == .gather(until: 16))
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8))
        #expect(gathering.afterAnswering(31, queued: 33, maximum: 64) == .gather(until: 64))
        #expect(gathering.afterAnswering(40, queued: 64, maximum: 64) == .startNow, "a full group waits already")
    }

    @Test func aLoneCommandsAnswerStartsTheNextGroupAtOnce() {
        var gathering = GroupGathering()
        #expect(gathering.afterAnswering(1, queued: 0, maximum: 64) == .startNow)
        #expect(gathering.afterAnswering(1, queued: 5, maximum: 64) == .startNow)
    }

    @Test func twoWindowsInARowThatRunOutPauseTheWaiting() {
        var gathering = GroupGathering()
        gathering.ranOut()
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8), "one miss is not a pattern")
        gathering.ranOut()
        for _ in 0..<GroupGathering.pause {
            #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .startNow)
        }
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8), "then it tries again")
    }

    @Test func callersThatComeBackClearAMiss() {
        var gathering = GroupGathering()
        gathering.ranOut()
        gathering.gathered()
        gathering.ranOut()
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8))
    }

    /// Clients that send again as soon as they are answered, through a committer that waits for
    /// them: every command is answered once, with its own outcome, and groups carry them together.
    @Test func aCommitterThatWaitsForItsCallersAnswersEveryCommandOnce() async throws {
        let (bus, store) = makeBus()
        let commands = Commands()
        _ = try await bus.handle(commands.createBatch("b1", "LAMP", 1_000))
        let sizes = Mutex<[Int]>([])
        let committer = GroupCommitter(
            bus: bus, maximumGroupSize: 64, gatherWindow: .milliseconds(5),
            onGroup: { size in sizes.withLock { $0.append(size) } })
        let outcomes = try await withThrowingTaskGroup(of: [CommandOutcome].self) { group in
            for client in 0..<4 {
                group.addTask {
                    var outcomes: [CommandOutcome] = []
                    for order in 0..<5 {
                        outcomes.append(
                            try await committer.handle(commands.allocate("c\(client)-o\(order)", "LAMP", 1)).outcome)
                    }
                    return outcomes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(outcomes == Array(repeating: .allocated(ref("b1")), count: 20))
        #expect(sizes.withLock { $0.reduce(0, +) } == 20)
        #expect(events(Allocated.self, in: store).count == 20)
    }
}
