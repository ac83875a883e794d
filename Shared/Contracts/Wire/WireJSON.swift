import Foundation

/// The one JSON configuration every frame uses, so that the same value always encodes to the
/// same bytes: golden fixtures pin the format, and a client can compare canonical forms.
enum WireJSON {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            // Wire values hold only strings, integers, booleans and nulls; JSONEncoder fails only on
            // non-finite floating-point numbers, so this cannot happen.
            preconditionFailure("a wire value failed to encode: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try JSONDecoder().decode(type, from: data(bytes))
    }

    static func data(_ bytes: some Collection<UInt8>) -> Data {
        if let data = bytes as? Data { return data }
        return Data(bytes)
    }
}

extension WireJSON {
    /// Decodes a frame, turning every failure into a ``WireError``.
    static func result<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) -> Result<T, WireError> {
        do {
            return .success(try decode(type, from: bytes))
        } catch let error as WireError {
            return .failure(error)
        } catch let error as DecodingError {
            return .failure(WireError(error))
        } catch {
            return .failure(.internal("\(error)"))
        }
    }
}
