import Foundation

/// Frames of the PUB socket: event envelopes (topic ``EventEnvelope/topic``) and heartbeats
/// (topic ``Topic/heartbeat``). Decoding never traps.
public enum EventCodec {
    public static func encode(_ envelope: EventEnvelope) -> Data {
        WireFastWriter.envelope(envelope) ?? WireJSON.encode(envelope)
    }

    public static func decode(_ frame: some Collection<UInt8>) -> Result<EventEnvelope, EventDecodingError> {
        if let envelope = WireFastReader.envelope(frame) { return .success(envelope) }
        do {
            return .success(try WireJSON.decode(EventEnvelope.self, from: frame))
        } catch let error as EventDecodingError {
            return .failure(error)
        } catch let error as DecodingError {
            return .failure(.malformed(WireError(error)))
        } catch {
            return .failure(.malformed(.internal("\(error)")))
        }
    }

    public static func encode(_ heartbeat: Heartbeat) -> Data { WireJSON.encode(heartbeat) }

    public static func decodeHeartbeat(_ frame: some Collection<UInt8>) -> Result<Heartbeat, WireError> {
        WireJSON.result(Heartbeat.self, from: frame)
    }
}
