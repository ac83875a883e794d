import ServiceLifecycle

/// Starts a service once the schema is migrated (`ServiceState.waitUntilServing`). A service that
/// reads its tables before they exist only fails and tries again, and leaves an error in
/// PostgreSQL's log for every first start of a new database.
struct WhenServing<Wrapped: Service>: Service {
    let state: ServiceState
    let service: Wrapped

    func run() async throws {
        guard await state.waitUntilServing() else {
            // Stopped before the schema was in place: nothing to do. A service group counts a
            // service that returns before it is asked to as failed, so wait to be asked.
            try? await gracefulShutdown()
            return
        }
        try await service.run()
    }
}
