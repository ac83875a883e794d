import Foundation

/// A query path in which every `{n}` stands for a fresh random integer in 1…`nMax`, so a benchmark
/// reads many different rows (`/allocations/seed-{n}`) instead of one cached answer.
struct PathTemplate: Sendable, Equatable {
    static let placeholder = "{n}"

    let template: String
    let nMax: Int

    /// The path with each `{n}` replaced by a number from `next(nMax)`.
    func path(_ next: (Int) -> Int) -> String {
        guard template.contains(Self.placeholder) else { return template }
        let parts = template.components(separatedBy: Self.placeholder)
        var path = parts[0]
        for part in parts.dropFirst() { path += String(next(nMax)) + part }
        return path
    }

    func path() -> String { path { Int.random(in: 1...$0) } }
}
