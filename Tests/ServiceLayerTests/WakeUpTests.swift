import Testing

@testable import CommandService

/// The policy reactor's sleep: it wakes at a signal or a timeout, and leaves nothing behind that
/// would wake the next sleep at once (which once kept an idle service's core busy).
@Suite struct WakeUpTests {
    @Test func aSignalGivenBeforeTheWaitEndsItAtOnce() async {
        let wakeUp = WakeUp()
        wakeUp.signal()
        #expect(wakeUp.isPending)
        await wakeUp.wait(upTo: .seconds(3600))
        // Its timer was cancelled and has finished: it must not have left a signal behind.
        #expect(!wakeUp.isPending)
    }

    @Test func aWaitEndsAtItsTimeout() async {
        let wakeUp = WakeUp()
        await wakeUp.wait(upTo: .milliseconds(1))
        #expect(!wakeUp.isPending, "the timer's own signal is not kept")
    }

    @Test func aSignalIsTakenOnceWithoutWaiting() {
        let wakeUp = WakeUp()
        #expect(!wakeUp.take())
        wakeUp.signal()
        #expect(wakeUp.take())
        #expect(!wakeUp.take(), "taken: the next wait will not return at once for it")
    }
}
