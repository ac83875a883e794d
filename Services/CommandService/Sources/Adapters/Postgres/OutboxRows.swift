import Contracts
import Foundation

/// A unit's events as the outbox columns `Statements.Flush` inserts (in the order raised), and —
/// once the flush has numbered them — as the PUB frames the relay would build from those rows.
struct OutboxRows {
    var types: [EventType] = [], aggregates: [String] = [], aggregateVersions: [Int] = []
    var commandIDs: [String] = [], payloads: [String] = []
    /// Each event's command's `issued_by`, "" for none.
    var issuedBy: [String] = []

    var count: Int { types.count }

    /// The frames of these events at `positions`, with the ids and time the database gave them;
    /// nil when the flush's answer does not cover every event (the relay then reads the log).
    func frames(positions: [Int], ids: [UUID], occurredAt: Date) throws -> [CommittedFrames.Frame]? {
        guard positions.count == count, ids.count == count, !commandIDs.contains("") else { return nil }
        return try (0..<count).map { index in
            let envelope = try Array(aggregates[index].utf8).withUnsafeBytes { aggregate in
                try Array(commandIDs[index].utf8).withUnsafeBytes { commandID in
                    try Array(issuedBy[index].utf8).withUnsafeBytes { issuedBy in
                        try Array(payloads[index].utf8).withUnsafeBytes { payload in
                            try EventCodec.encode(
                                StoredEnvelope(
                                    position: positions[index], eventID: ids[index], type: types[index],
                                    schemaVersion: types[index].currentSchemaVersion, occurredAt: occurredAt,
                                    aggregateID: aggregate, aggregateVersion: aggregateVersions[index],
                                    commandID: commandID, issuedBy: issuedBy.isEmpty ? nil : issuedBy, payload: payload)
                            )
                        }
                    }
                }
            }
            return CommittedFrames.Frame(
                position: positions[index], topic: Array(types[index].topic.utf8), envelope: envelope)
        }
    }
}
