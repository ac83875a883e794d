import Contracts
import Logging
import Messaging

// MARK: Live

extension SubscriberLoop {
    enum Message {
        case event(EventEnvelope)
        case heartbeat(Heartbeat)
        /// The events socket's greeting on a new connection: the log it serves.
        case welcome(String)
        case unreadableEvent(EventDecodingError)
        case other
    }

    func classify(_ frames: Frames) -> Message {
        if frames.count == 1, let log = Welcome.log(in: frames[0]) { return .welcome(log) }
        guard frames.count == 2 else { return .other }
        let topic = String(decoding: frames[0], as: UTF8.self)
        if topic == Topic.heartbeat {
            if case .success(let heartbeat) = EventCodec.decodeHeartbeat(frames[1]) { return .heartbeat(heartbeat) }
            return .other
        }
        guard topic.hasPrefix(Topic.eventPrefix) else { return .other }
        switch EventCodec.decode(frames[1]) {
        case .success(let event): return .event(event)
        case .failure(let error): return .unreadableEvent(error)
        }
    }

    /// A heartbeat's or a welcome's log: adopted while the projections name none (a new database, or one from
    /// before logs had ids), a halt when they follow another (positions there mean other events).
    mutating func follow(log announced: String?) async throws {
        guard let announced else { return }
        if log == nil {
            // Another adopter may have got there first: `adopt` returns what is recorded.
            let recorded = try await subscriber.store.adopt(log: announced)
            log = recorded
            replay.log = recorded
            logger.info("following event log \(recorded)")
        }
        guard let log, !log.utf8.elementsEqual(announced.utf8) else { return }
        throw Halt(otherLog: "the projections follow event log \(log), and the command side names log \(announced)")
    }

    /// Collects the contiguous events already received (up to a batch), applies them in one
    /// transaction, and schedules a replay on a gap, a silent tail or an unreadable event.
    mutating func handleLive(_ first: Frames, from socket: OwnedSocket) async throws {
        var pending: [EventEnvelope] = []
        var duplicates = 0
        var replayReason: String?
        var message: Frames? = first
        while let frames = message {
            let applied = checkpoint + pending.count
            switch classify(frames) {
            case .event(let event):
                if event.position <= applied {
                    duplicates += 1
                } else if event.position == applied + 1 {
                    pending.append(event)
                } else {
                    replayReason = "gap: live event \(event.position) after \(applied)"
                    let position = event.position
                    subscriber.sync.update {
                        $0.head = max($0.head, position)
                        $0.gapsDetected += 1
                    }
                    subscriber.metrics.gapsDetected.increment()
                }
            case .heartbeat(let heartbeat):
                try await follow(log: heartbeat.log)
                subscriber.sync.update { $0.head = max($0.head, heartbeat.head) }
                if let previous = previousHeartbeatHead, previous > applied {
                    replayReason = "silent tail: heartbeat head \(previous) after \(applied)"
                }
                previousHeartbeatHead = heartbeat.head
            case .welcome(let announced):
                try await follow(log: announced)
            case .unreadableEvent(let error):
                if let position = error.position, position <= applied {
                    duplicates += 1
                } else {
                    logger.warning("unreadable live event: checking with replay", metadata: ["error": "\(error)"])
                    replayReason = "unreadable live event"
                }
            case .other:
                break
            }
            guard replayReason == nil && pending.count < configuration.batchSize else { break }
            // What has arrived already joins the batch; waiting for more would delay all of it.
            message = socket.receiveIfAvailable()
            if message != nil { heardFromUpstream() }
        }
        if duplicates > 0 {
            subscriber.metrics.duplicatesDiscarded.increment(by: Int64(duplicates))
            subscriber.sync.update { $0.duplicatesDiscarded += duplicates }
        }
        if !pending.isEmpty {
            _ = await applyLive(pending)
        }
        if let replayReason, !catchUpNeeded {
            logger.debug("replaying", metadata: ["reason": "\(replayReason)"])
            catchUpNeeded = true
            nextCatchUp = .now
        }
    }
}
