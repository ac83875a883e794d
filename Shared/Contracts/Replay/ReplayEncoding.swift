/// The form of a replay response's events, chosen by the request (docs/PROTOCOL.md §8).
///
/// JSON is what every client can read; the binary form carries the same events with the envelope's
/// fields as fixed-width numbers and length-prefixed bytes, so a reader catching up on millions of
/// events does not scan and parse each envelope's text (each payload stays its JSON object).
public enum ReplayEncoding: String, Hashable, Sendable, CaseIterable {
    case json
    case binary
}
