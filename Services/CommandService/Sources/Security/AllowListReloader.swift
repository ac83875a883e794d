import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the allow-list on SIGHUP, so keys are granted and revoked without a restart.
struct AllowListReloader: Service {
    let gatekeeper: Gatekeeper

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups { gatekeeper.reload() }
        }
    }
}
