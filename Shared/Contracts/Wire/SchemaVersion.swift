/// Schema versions of message types. Each command and event type is versioned on its own: adding
/// an optional field keeps the version, anything a reader could misread bumps it.
public enum SchemaVersion {
    /// What a frame without `schema_version` means.
    public static let assumed = 1
}
