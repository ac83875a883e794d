/// Writes a replay response frame from stored events, one at a time, in one ``ReplayEncoding``:
/// the command service serves a page through whichever one the request asked for.
public protocol ReplayFrameWriter: Sendable {
    init(expectedEvents: Int)

    /// Appends the next event (in position order); throws, appending nothing, when its payload
    /// cannot be read.
    mutating func append(_ stored: StoredEnvelope) throws(EventDecodingError)

    /// The finished frame, with the log's head when the page was read.
    consuming func finish(head: Int) -> [UInt8]
}

extension ReplayEncoding {
    /// A response with no events (a request from past the head), in this encoding.
    public func emptyPage(head: Int) -> [UInt8] {
        switch self {
        case .json: ReplayPageWriter(expectedEvents: 0).finish(head: head)
        case .binary: ReplayBinaryWriter(expectedEvents: 0).finish(head: head)
        }
    }
}
