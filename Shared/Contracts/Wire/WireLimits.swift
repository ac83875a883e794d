/// Sizes the protocol promises, in one place so the services, the CLI and the documentation agree.
public enum WireLimits {
    /// The largest command or replay request frame a service reads; larger ones get `frame_too_large`.
    public static let maximumRequestBytes = 64 * 1024

    /// A command id is 1 to this many Unicode code points, so it can be stored and indexed cheaply.
    public static let maximumCommandIDLength = 100

    /// How many events a replay request returns when it does not say.
    public static let defaultReplayLimit = 1000

    /// The most events one replay response may carry, which bounds its size.
    public static let maximumReplayLimit = 10_000
}
