import Foundation
import Synchronization

/// Events a group commit wrote and numbered, already encoded as PUB frames, waiting for the relay:
/// it publishes them without reading them back from the event log, one round trip less between a
/// commit and its events reaching readers.
///
/// The relay takes only frames that continue exactly where it got to; at a gap (events numbered by
/// a sequencing round or by another instance, or frames dropped here) it reads the log as before,
/// so nothing is skipped and the order stays the log's. Bounded: a relay that does not lead never
/// takes them, and the oldest are dropped first.
final class CommittedFrames: Sendable {
    /// One event's PUB message, exactly as the relay would encode it from its stored row.
    struct Frame: Sendable {
        let position: Int
        let topic: [UInt8]
        let envelope: Data
    }

    private let frames = Mutex<[Int: Frame]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func add(_ new: [Frame]) {
        guard !new.isEmpty else { return }
        frames.withLock { frames in
            for frame in new { frames[frame.position] = frame }
            if frames.count > capacity, let newest = frames.keys.max() {
                frames = frames.filter { $0.key > newest - capacity / 2 }
            }
        }
    }

    /// The frames of positions `position + 1`, `position + 2`, … while they are here (at most
    /// `limit`), taken out; older ones are dropped.
    func take(after position: Int, limit: Int) -> [Frame] {
        frames.withLock { frames in
            var taken: [Frame] = []
            while taken.count < limit, let frame = frames.removeValue(forKey: position + taken.count + 1) {
                taken.append(frame)
            }
            if taken.isEmpty, frames.keys.contains(where: { $0 <= position }) {
                frames = frames.filter { $0.key > position }
            }
            return taken
        }
    }
}
