import NIOCore

/// The body of `GET /allocations/{orderid}` written straight from the rows' bytes, exactly as the
/// router's `JSONEncoder` writes it (sorted keys, no spaces), for the event loop's fast path.
struct AllocationsJSON {
    private(set) var buffer: ByteBuffer
    private(set) var lines = 0

    init(allocator: ByteBufferAllocator) {
        buffer = allocator.buffer(capacity: 128)
        buffer.writeStaticString("[")
    }

    /// Adds `{"batchref":…,"sku":…}`; false, adding nothing, when a byte would need the escaping
    /// `JSONEncoder` does (control characters, `"`, `\`, `/`, anything outside ASCII).
    mutating func line(sku: UnsafeRawBufferPointer, batchref: UnsafeRawBufferPointer) -> Bool {
        guard Self.plain(sku), Self.plain(batchref) else { return false }
        buffer.writeStaticString(lines == 0 ? #"{"batchref":""# : #",{"batchref":""#)
        buffer.writeBytes(batchref)
        buffer.writeStaticString(#"","sku":""#)
        buffer.writeBytes(sku)
        buffer.writeStaticString(#""}"#)
        lines += 1
        return true
    }

    /// The whole array.
    mutating func finish() -> ByteBuffer {
        buffer.writeStaticString("]")
        return buffer
    }

    private static func plain(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy {
            $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/")
        }
    }
}
