import Contracts
import Messaging

/// A message as a ROUTER socket receives it, split into where the answer goes and what was asked.
///
/// ROUTER puts the peer's identity in front of every message. A DEALER then sends one body frame; a
/// REQ socket adds an empty delimiter first, and expects it back in front of the answer. Anything
/// else is `bad_frames`, answered to the same peer (docs/PROTOCOL.md, "Framing on the ROUTER
/// sockets"). Both ROUTER sockets, commands and replay, share this.
struct RoutedRequest: Sendable {
    /// The identity, plus the empty delimiter when the peer sent one: what goes in front of a reply.
    let returnPath: Frames
    /// The one body frame, or why there is not exactly one that fits.
    let body: Result<[UInt8], WireError>
    /// Who the ZAP handler said the sender's connection is (secure mode), nil otherwise.
    let userID: String?

    /// `withUserID`: the socket puts the connection's User-Id in front (`SocketOptions.prefixesUserID`).
    init(_ frames: Frames, withUserID: Bool = false) {
        var frames = frames[...]
        if withUserID, let first = frames.first {
            userID = first.isEmpty ? nil : String(decoding: first, as: UTF8.self)
            frames = frames.dropFirst()
        } else {
            userID = nil
        }
        var rest = frames.dropFirst()
        var returnPath = Array(frames.prefix(1))
        if let first = rest.first, first.isEmpty {
            returnPath.append([])
            rest = rest.dropFirst()
        }
        self.returnPath = returnPath
        if rest.count != 1 {
            body = .failure(.badFrames(received: rest.count))
        } else if rest[rest.startIndex].count > WireLimits.maximumRequestBytes {
            body = .failure(.frameTooLarge(bytes: rest[rest.startIndex].count))
        } else {
            body = .success(rest[rest.startIndex])
        }
    }

    /// The peer's identity (the ROUTER's first frame): whose request it is.
    var peer: [UInt8] { returnPath.first ?? [] }

    /// The frames that carry `body` back to the peer.
    func reply(_ body: some Sequence<UInt8>) -> Frames {
        returnPath + [Array(body)]
    }
}
