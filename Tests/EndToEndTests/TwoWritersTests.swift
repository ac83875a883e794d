import Foundation
import TestSupport
import Testing

/// More than one writer, for real: two `cosmic-command` processes on one database, one
/// `cosmic-query` given both instances' endpoints. The relay's leader is killed (SIGKILL) while the
/// other instance takes load; the query service keeps following the log through the new leader,
/// with no gap and nothing applied twice, and ends with the figures the replies imply.
@Suite struct TwoWritersTests {
    @Test func aQueryServiceFollowingTwoInstancesOutlivesTheLeader() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let one = try await CommandProcess.launch(databaseURL: url)
            let two = try await CommandProcess.launch(databaseURL: url)
            try await withTemporaryDirectory { directory in
                let query = try await QueryProcess.launch(commands: [one, two], directory: directory)
                defer { query.kill() }
                let leader = try await eventually("one instance leads the relay", timeout: .seconds(30)) {
                    () async throws -> CommandProcess? in
                    if try await one.health()["relay_leader"] as? Bool == true { return one }
                    if try await two.health()["relay_leader"] as? Bool == true { return two }
                    return nil
                }
                let survivor = leader === one ? two : one
                let skus = (0..<6).map { "TWO-\($0)" }
                let workload = Workload(endpoint: survivor.commandEndpoint)
                var expected = try await workload.createBatches(skus, quantity: 1_000, prefix: "two")
                // Two clients keep sending through the kill; two more start only once the leader is
                // dead, so at least their 300 events come after it however the machine schedules us.
                async let load = workload.allocate(skus, workers: 2, perWorker: 150, prefix: "load")
                let followed = try await eventually("the query service follows the leader", timeout: .seconds(30)) {
                    let checkpoint = try await query.health().checkpoint
                    return checkpoint >= 30 ? checkpoint : nil
                }
                leader.kill()
                expected.merge(try await workload.allocate(skus, workers: 2, perWorker: 150, prefix: "after"))
                expected.merge(try await load)
                _ = try await eventually("the survivor takes over publishing", timeout: .seconds(30)) {
                    try await survivor.health()["relay_leader"] as? Bool == true ? true : nil
                }
                let head = try await survivor.publishedHead()
                #expect(head == skus.count + 4 * 150, "one event per batch and per allocation")
                #expect(head > followed + 100, "the leader was killed under load")
                try await query.converges(to: expected, head: head)
            }
        }
    }
}
