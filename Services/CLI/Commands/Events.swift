import ArgumentParser
import Contracts
import Foundation
import Messaging

/// Prints the event log from a position, and with `--follow` keeps printing new events as they are
/// published — the catch-up algorithm of docs/PROTOCOL.md §10 in a few lines: subscribe first,
/// replay up to the head, then print live events in order, filling any gap from replay.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the event log; --follow keeps printing it live.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "First position to print.") var from = 1
    @Flag(help: "Keep printing events as they are published (Ctrl-C stops).") var follow = false

    func validate() throws {
        guard from >= 1 else { throw ValidationError("--from must be 1 or more") }
    }

    func run() async throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let replay: OwnedSocket
        do {
            replay = try OwnedSocket(
                context: context, kind: .dealer, options: options.socketOptions(), connect: [options.replay])
        } catch {
            throw fail(.badInput, "cannot open a socket to \(options.replay): \(error)\n" + Hint.endpoint)
        }
        // Subscribe before the first replay request, so nothing published meanwhile is missed (the slow joiner).
        let live: OwnedSocket?
        do {
            live =
                try follow
                ? OwnedSocket(
                    context: context, kind: .sub, options: options.socketOptions(SocketOptions(subscriptions: [""])),
                    connect: [options.events])
                : nil
        } catch {
            replay.close()
            throw fail(.badInput, "cannot open a socket to \(options.events): \(error)\n" + Hint.endpoint)
        }
        defer {
            live?.close()
            replay.close()
        }
        var next = from
        try await catchUp(replay, &next)
        guard let live else { return }
        while true {
            guard let frames = try? await live.receive(timeout: .seconds(3)) else {
                continue  // no heartbeat for a while: the service may be restarting; keep waiting
            }
            guard frames.count == 2 else { continue }
            if frames[0] == Array(Topic.heartbeat.utf8) {
                if case .success(let heartbeat) = EventCodec.decodeHeartbeat(frames[1]), heartbeat.head >= next {
                    try await catchUp(replay, &next)  // a silent tail: events we never saw live
                }
                continue
            }
            guard case .success(let event) = EventCodec.decode(frames[1]) else { continue }
            if event.position == next {
                print(event)
                next += 1
            } else if event.position > next {
                try await catchUp(replay, &next)  // a gap: fill it from replay
            }
        }
    }

    private func catchUp(_ replay: OwnedSocket, _ next: inout Int) async throws {
        while true {
            let request = ReplayRequest(from: next, limit: WireLimits.defaultReplayLimit)
            guard let frames = try? await replay.request([Array(ReplayCodec.encode(request))], timeout: options.wait)
            else {
                throw fail(
                    .unavailable,
                    "no answer from the replay socket at \(options.replay)\n" + Hint.replayUnreachable(options.replay))
            }
            switch ReplayCodec.decodeReply(frames.last ?? []) {
            case .success(.events(let response)):
                for event in response.events where event.position == next {
                    print(event)
                    next += 1
                }
                if response.events.isEmpty || next > response.head { return }
            case .success(.failure(let error)):
                throw fail(.badInput, "replay refused: \(error.message) (\(error.code.rawValue))")
            case .failure(let error):
                throw fail(.unavailable, "cannot read the replay answer: \(error)")
            }
        }
    }

    /// One line per event, written at once (not buffered) so `--follow` works through a pipe.
    private func print(_ event: EventEnvelope) {
        let line =
            options.json
            ? String(decoding: EventCodec.encode(event), as: UTF8.self)
            : "#\(event.position)  \(event.type.rawValue)  \(event.aggregateID) v\(event.aggregateVersion)  "
                + String(decoding: event.payload.jsonData(), as: UTF8.self)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
