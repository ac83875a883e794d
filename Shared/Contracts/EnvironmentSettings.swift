import Foundation

/// How every Cosmic program reads a setting: a command-line flag wins over an environment variable,
/// which wins over the default (the configuration type's own). A variable set to the empty string
/// counts as unset, so a compose file's `VAR: ${VAR:-}` leaves the default in force.
public struct EnvironmentSettings: Sendable {
    private let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The flag, else the first of `variables` that is set and not empty.
    public func text(_ flag: String?, _ variables: String...) -> String? {
        flag ?? variables.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
    }

    /// The flag, else `variable` read as a number; a variable that is set but not a number is refused.
    public func number<Number: LosslessStringConvertible>(_ flag: Number?, _ variable: String) throws(SettingError)
        -> Number?
    {
        if let flag { return flag }
        guard let text = text(nil, variable) else { return nil }
        guard let value = Number(text) else {
            throw SettingError(description: "\(variable) must be a number, got \(text)")
        }
        return value
    }
}

/// A setting that cannot be used; the programs answer it as a usage error (exit status 64).
public struct SettingError: Error, CustomStringConvertible {
    public let description: String
}
