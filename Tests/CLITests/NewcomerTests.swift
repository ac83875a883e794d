import ArgumentParser
import Testing

@testable import cosmic

/// What a newcomer meets first: `cosmic --help` with an example of every subcommand, and a typo
/// answered with the subcommand meant.
@Suite struct NewcomerTests {
    @Test func helpHasAnExampleOfEverySubcommand() {
        let names = Cosmic.configuration.subcommands.map { $0._commandName }
        #expect(Cosmic.examples.map { $0.command.split(separator: " ")[1] }.map(String.init) == names)
        let help = Cosmic.helpMessage()
        for example in Cosmic.examples {
            #expect(help.contains(example.command), "\(example.command)")
        }
    }

    @Test func everyExampleParses() throws {
        for example in Cosmic.examples {
            let arguments = example.command.split(separator: " ").dropFirst().map(String.init)
            #expect(throws: Never.self, "\(example.command)") { _ = try Cosmic.parseAsRoot(arguments) }
        }
    }

    @Test(arguments: [
        (["alocate", "o", "LAMP", "1"], "Did you mean 'allocate'?"),
        (["add-bach"], "Did you mean 'add-batch'?"),
        (["helth"], "Did you mean 'health'?"),
        (["event"], "Did you mean 'events'?"),
        (["bench", "qeury"], "cosmic bench: unknown subcommand 'qeury'. Did you mean 'query'?"),
        (["frobnicate"], "It is one of: add-batch, allocate"),
    ])
    func aTypoGetsTheNearestSubcommand(_ arguments: [String], _ expected: String) throws {
        let message = try #require(SubcommandSuggestion.message(for: arguments, in: .init(Cosmic.self)))
        #expect(message.contains(expected), "\(message)")
        #expect(message.contains("--help"))
    }

    @Test(arguments: [[], ["allocate", "o", "LAMP", "1"], ["--help"], ["help", "allocate"], ["bench", "query"]])
    func aRightCommandLineGetsNoSuggestion(_ arguments: [String]) {
        #expect(SubcommandSuggestion.message(for: arguments, in: .init(Cosmic.self)) == nil)
    }
}
