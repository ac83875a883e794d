import Foundation

/// Frames of the replay socket: one request frame in, one reply frame out. Decoding never traps.
public enum ReplayCodec {
    public static func encode(_ request: ReplayRequest) -> Data { WireJSON.encode(request) }

    /// Reads and validates a request frame (service side).
    public static func decodeRequest(_ frame: some Collection<UInt8>) -> Result<ReplayRequest, WireError> {
        let size = frame.count
        guard size <= WireLimits.maximumRequestBytes else { return .failure(.frameTooLarge(bytes: size)) }
        guard JSONGrammar.isValid(frame) else { return .failure(.badJSON(WireError.notJSON)) }
        return WireJSON.result(ReplayRequest.self, from: frame)
    }

    public static func encode(_ reply: ReplayReply) -> Data {
        if case .events(let response) = reply, let data = WireFastWriter.replayResponse(response) { return data }
        return WireJSON.encode(reply)
    }

    /// Reads a reply frame (reader side), JSON or a binary page; any unreadable event fails the
    /// whole reply.
    public static func decodeReply(_ frame: some Collection<UInt8>) -> Result<ReplayReply, EventDecodingError> {
        if ReplayBinaryReader.isBinary(frame) {
            let read = { (bytes: UnsafeRawBufferPointer) in ReplayBinaryReader.response(bytes).map(ReplayReply.events) }
            return frame.withContiguousStorageIfAvailable { read(UnsafeRawBufferPointer($0)) }
                ?? Array(frame).withUnsafeBytes(read)
        }
        if let response = WireFastReader.replayResponse(frame) { return .success(.events(response)) }
        do {
            return .success(try WireJSON.decode(ReplayReply.self, from: frame))
        } catch let error as EventDecodingError {
            return .failure(error)
        } catch let error as WireError {
            return .failure(.malformed(error))
        } catch let error as DecodingError {
            return .failure(.malformed(WireError(error)))
        } catch {
            return .failure(.malformed(.internal("\(error)")))
        }
    }
}
