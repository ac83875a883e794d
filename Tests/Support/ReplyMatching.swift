import Contracts

/// Which reply answers a command request, for test clients that retry: a late reply to an earlier
/// request that timed out must be skipped, never taken for the next one's.
public enum ReplyMatching {
    /// Whether a reply is the one to `frame`: its command id is the one the service reads from the
    /// frame (`CommandCodec.decode` finds it in a malformed request too, as the service does), or it
    /// has none (the service could not read one). A reply that cannot be decoded is taken, to fail.
    public static func isReply(to frame: [UInt8]) -> ([[UInt8]]) -> Bool {
        let id: String? =
            switch CommandCodec.decode(frame) {
            case .success(let command): command.commandID
            case .failure(let failure): failure.commandID
            }
        return { frames in
            guard frames.count == 1, case .success(let reply) = CommandCodec.decodeReply(frames[0]) else { return true }
            return reply.commandID == nil || reply.commandID == id
        }
    }
}
