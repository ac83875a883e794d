// The PostgreSQL event log behind the entrypoints' ports (ServiceLayer/EventPositions.swift).

extension Sequencer: EventPositions {}

extension PostgresEventLog: EventLogPages {
    public func currentHead() async throws -> Int {
        do {
            return try await head()
        } catch {
            throw PostgresErrors.classify(error)
        }
    }

    public func page(from position: Int, limit: Int, head: Int) async throws -> [UInt8] {
        do {
            return try await replayPage(from: position, limit: limit, head: head)
        } catch {
            throw PostgresErrors.classify(error)
        }
    }
}
