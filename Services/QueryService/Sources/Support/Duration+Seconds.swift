extension Duration {
    /// The duration in (fractional) seconds, for APIs and JSON that count in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
