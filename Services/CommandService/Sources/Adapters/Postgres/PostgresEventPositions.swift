// The PostgreSQL event log behind the entrypoints' ports (ServiceLayer/EventPositions.swift,
// Entrypoints/EventLogPages.swift).

import Contracts

extension Sequencer: EventPositions {}

extension PostgresEventLog: EventLogPages {
    public func currentHead() async throws -> Int {
        do {
            return try await head()
        } catch {
            throw PostgresErrors.classify(error)
        }
    }

    public func currentHeadAndIdentity() async throws -> (head: Int, log: String) {
        do {
            return try await headAndLogIdentity()
        } catch {
            throw PostgresErrors.classify(error)
        }
    }

    public func page(from position: Int, limit: Int, head: Int, encoding: ReplayEncoding) async throws -> [UInt8] {
        do {
            switch encoding {
            case .json: return try await replayPage(ReplayPageWriter.self, from: position, limit: limit, head: head)
            case .binary: return try await replayPage(ReplayBinaryWriter.self, from: position, limit: limit, head: head)
            }
        } catch {
            throw PostgresErrors.classify(error)
        }
    }
}
