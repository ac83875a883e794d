import Domain
import Foundation

/// Frames of the command socket: requests in, replies out (and the reverse for clients). Decoding
/// never traps, whatever the bytes: every failure is a ``WireError`` with a stable code.
public enum CommandCodec {
    /// Reads a request frame and validates it all the way into a Domain command.
    ///
    /// `admit` sees the request once it is read and before the Domain looks at its payload: secure
    /// mode checks the sender's role there and sets `issued_by` to the authenticated principal, so
    /// a refused request reveals nothing about its payload's validity.
    public static func decode(
        _ frame: some Collection<UInt8>, admit: (inout CommandRequest) throws(WireError) -> Void = { _ in }
    ) -> Result<DecodedCommand, CommandDecodingError> {
        let size = frame.count
        guard size <= WireLimits.maximumRequestBytes else {
            return .failure(CommandDecodingError(commandID: nil, error: .frameTooLarge(bytes: size)))
        }
        guard JSONGrammar.isValid(frame) else {
            return .failure(CommandDecodingError(commandID: nil, error: .badJSON(WireError.notJSON)))
        }
        var request: CommandRequest
        do {
            request = try WireFastReader.request(frame) ?? WireJSON.decode(CommandRequest.self, from: frame)
        } catch let error as CommandDecodingError {
            return .failure(error)
        } catch let error as DecodingError {
            return .failure(CommandDecodingError(commandID: nil, error: WireError(error)))
        } catch {
            return .failure(CommandDecodingError(commandID: nil, error: .internal("\(error)")))
        }
        do throws(WireError) {
            try admit(&request)
        } catch {
            return .failure(CommandDecodingError(commandID: request.commandID, error: error))
        }
        do {
            return .success(
                DecodedCommand(request: request, command: try request.payload.command(issuedBy: request.issuedBy)))
        } catch {
            return .failure(CommandDecodingError(commandID: request.commandID, error: WireError(error)))
        }
    }

    public static func encode(_ request: CommandRequest) -> Data {
        WireFastWriter.request(request) ?? WireJSON.encode(request)
    }

    public static func encode(_ reply: CommandReply) -> Data { WireFastWriter.reply(reply) ?? WireJSON.encode(reply) }

    /// Reads a reply frame (clients). Structural only: it trusts the service on status and codes.
    public static func decodeReply(_ frame: some Collection<UInt8>) -> Result<CommandReply, WireError> {
        if let reply = WireFastReader.reply(frame) { return .success(reply) }
        return WireJSON.result(CommandReply.self, from: frame)
    }
}
