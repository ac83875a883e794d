/// Writes a replay response in JSON (``ReplayResponse``'s wire form) from stored events, one at a
/// time, with the same bytes as encoding the decoded events with ``ReplayCodec``.
public struct ReplayPageWriter: ReplayFrameWriter {
    private var writer = WireFastWriter()
    public private(set) var count = 0

    public init(expectedEvents: Int) {
        writer.reserve(64 + 330 * expectedEvents)
        writer.raw("{\"events\":[")
    }

    public mutating func append(_ stored: StoredEnvelope) throws(EventDecodingError) {
        let mark = writer.count
        if count > 0 { writer.raw(",") }
        if !writer.write(stored) {
            do {
                writer.append(EventCodec.encode(try stored.decoded()))
            } catch {
                writer.truncate(to: mark)
                throw error
            }
        }
        count += 1
    }

    /// The finished frame, with the log's head when the page was read (bytes rather than `Data`: a
    /// page is megabytes, and a socket sends bytes).
    public consuming func finish(head: Int) -> [UInt8] {
        writer.raw("],\"head\":")
        writer.integer(head)
        writer.raw("}")
        return writer.written
    }
}
