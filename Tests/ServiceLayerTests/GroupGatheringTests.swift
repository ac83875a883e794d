import Domain
import Synchronization
import Testing

@testable import CommandService

/// When the next group starts after one is answered: at once, or after the answered callers come
/// back (`GroupGathering`), and how the committer keeps every command's answer while it waits.
@Suite struct GroupGatheringTests {
    let ms = Duration.milliseconds(1)

    @Test func waitsForTheCallersOfAGroupWhenFewerWaitThanWereInFlight() {
        var gathering = GroupGathering(shortest: ms)
        #expect(gathering.afterAnswering(8, queued: 8, maximum: 64) == .gather(until: 16, within: ms))
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8, within: ms))
        #expect(gathering.afterAnswering(31, queued: 33, maximum: 64) == .gather(until: 64, within: ms))
        #expect(gathering.afterAnswering(40, queued: 64, maximum: 64) == .startNow, "a full group waits already")
    }

    @Test func aLoneCommandsAnswerStartsTheNextGroupAtOnce() {
        var gathering = GroupGathering(shortest: ms)
        #expect(gathering.afterAnswering(1, queued: 0, maximum: 64) == .startNow)
        #expect(gathering.afterAnswering(1, queued: 5, maximum: 64) == .startNow)
    }

    @Test func twoWindowsInARowThatRunOutPauseTheWaiting() {
        var gathering = GroupGathering(shortest: ms)
        gathering.ranOut(returned: 0, of: 8)
        #expect(
            gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8, within: ms),
            "one miss is not a pattern")
        gathering.ranOut(returned: 0, of: 8)
        for _ in 0..<GroupGathering.pause {
            #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .startNow)
        }
        #expect(
            gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8, within: ms), "then it tries again")
    }

    @Test func callersThatComeBackClearAMiss() {
        var gathering = GroupGathering(shortest: ms)
        gathering.ranOut(returned: 0, of: 8)
        gathering.gathered(after: .zero)
        gathering.ranOut(returned: 0, of: 8)
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8, within: ms))
    }

    @Test func aWindowThatRunsOutWhileTheCallersComeBackStretchesUpToItsLimit() {
        var gathering = GroupGathering(shortest: ms)
        gathering.ranOut(returned: 4, of: 8)
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8, within: ms * 2))
        gathering.ranOut(returned: 7, of: 8)
        gathering.ranOut(returned: 8, of: 8)
        #expect(gathering.window == ms * GroupGathering.stretch, "never beyond the limit")
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .gather(until: 8, within: ms * 4), "no pause")
    }

    @Test func aWaitThatEndsInTimeShrinksTheWindowHalfwayToTwiceItsLength() {
        var gathering = GroupGathering(shortest: ms)
        gathering.ranOut(returned: 8, of: 8)
        gathering.ranOut(returned: 8, of: 8)
        #expect(gathering.window == ms * 4)
        gathering.gathered(after: .microseconds(500))
        #expect(gathering.window == .microseconds(2_500))
        gathering.gathered(after: .microseconds(1_500))
        #expect(gathering.window == .microseconds(2_500), "a slower wait does not take it up again")
        for _ in 0..<20 { gathering.gathered(after: .zero) }
        #expect(gathering.window == ms, "never below the configured window")
    }

    @Test func callersThatKeepTheirOwnScheduleDoNotStretchTheWindow() {
        var gathering = GroupGathering(shortest: ms)
        gathering.ranOut(returned: 3, of: 8)
        #expect(gathering.window == ms)
        gathering.ranOut(returned: 0, of: 0)
        #expect(gathering.afterAnswering(8, queued: 0, maximum: 64) == .startNow, "two misses pause it")
    }

    /// Clients that send again as soon as they are answered, each on a connection of its own,
    /// through a committer that waits for them: every command is answered once, with its own
    /// outcome, and groups carry them together.
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
                            try await committer.handle(
                                commands.allocate("c\(client)-o\(order)", "LAMP", 1), caller: [UInt8(client)]
                            ).outcome)
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
