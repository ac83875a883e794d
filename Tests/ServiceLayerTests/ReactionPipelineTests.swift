import CommandService
import Testing

/// The policy reactor's rules while it reads and reacts at once: one key's reactions in log order,
/// never more than the concurrency at once, and a checkpoint that never passes unfinished work.
@Suite struct ReactionPipelineTests {
    typealias Pipeline = ReactionPipeline<String>

    @Test func reactionsOnOneKeyRunOneAtATimeInLogOrderAcrossPages() {
        var pipeline = Pipeline(after: 0, concurrency: 4)
        let first = pipeline.read(position: 1, reactions: [(key: "PO-1/1", item: "create")])
        #expect(first.map(\.item) == ["create"])
        // The next page brings a later reaction on the same key: it waits for the first.
        #expect(pipeline.read(position: 2, reactions: [(key: "PO-1/1", item: "shrink")]).isEmpty)
        #expect(pipeline.read(position: 3, reactions: [(key: "PO-1/1", item: "arrive")]).isEmpty)
        let second = pipeline.finish(first[0])
        #expect(second.map(\.item) == ["shrink"])
        let third = pipeline.finish(second[0])
        #expect(third.map(\.item) == ["arrive"])
        #expect(pipeline.finish(third[0]).isEmpty)
        #expect(pipeline.finished == 3)
    }

    @Test func noMoreThanTheConcurrencyRunAtOnce() {
        var pipeline = Pipeline(after: 0, concurrency: 2)
        let started = pipeline.read(
            position: 1, reactions: [(key: "a", item: "a"), (key: "b", item: "b"), (key: "c", item: "c")])
        #expect(started.map(\.item) == ["a", "b"])
        #expect(pipeline.running == 2)
        #expect(pipeline.finish(started[1]).map(\.item) == ["c"])
        #expect(pipeline.running == 2)
    }

    @Test func theCheckpointStopsBeforeTheFirstEventWithWorkUnderWay() {
        var pipeline = Pipeline(after: 10, concurrency: 8)
        let slow = pipeline.read(position: 11, reactions: [(key: "a", item: "slow")])
        _ = pipeline.read(position: 12, reactions: [])  // no reaction: finished as it is read
        let quick = pipeline.read(position: 13, reactions: [(key: "b", item: "quick")])
        #expect(pipeline.finished == 10)
        _ = pipeline.finish(quick[0])
        #expect(pipeline.finished == 10, "event 11 is still under way")
        _ = pipeline.finish(slow[0])
        #expect(pipeline.finished == 13)
        #expect(pipeline.unfinished == 0)
    }

    @Test func positionsSteppedOverAreFinishedOnceEverythingBeforeIs() {
        var pipeline = Pipeline(after: 0, concurrency: 8)
        let started = pipeline.read(position: 5, reactions: [(key: "a", item: "a")])
        pipeline.skip(to: 100)
        #expect(pipeline.lastRead == 100)
        #expect(pipeline.finished == 4)
        _ = pipeline.finish(started[0])
        #expect(pipeline.finished == 100)
    }

    @Test func anEventWithSeveralReactionsIsFinishedWhenAllAre() {
        var pipeline = Pipeline(after: 0, concurrency: 8)
        let both = pipeline.read(position: 1, reactions: [(key: "a", item: "1"), (key: "b", item: "2")])
        _ = pipeline.finish(both[0])
        #expect(pipeline.finished == 0)
        _ = pipeline.finish(both[1])
        #expect(pipeline.finished == 1)
    }

    @Test func manyEventsKeepEveryKeyInOrderAndFinishEverything() {
        var pipeline = Pipeline(after: 0, concurrency: 3)
        var running: [Pipeline.Start] = []
        var done: [String: [Int]] = [:]
        for position in 1...3000 {
            running += pipeline.read(
                position: position, reactions: [(key: "k\(position % 7)", item: "\(position)")])
            // Finish the oldest half of what runs, as commits would come back.
            while running.count > 1 {
                let start = running.removeFirst()
                done[start.key, default: []].append(start.position)
                running += pipeline.finish(start)
            }
        }
        while !running.isEmpty {
            let start = running.removeFirst()
            done[start.key, default: []].append(start.position)
            running += pipeline.finish(start)
        }
        #expect(pipeline.finished == 3000)
        #expect(done.values.reduce(0) { $0 + $1.count } == 3000)
        for positions in done.values { #expect(positions == positions.sorted()) }
    }
}
