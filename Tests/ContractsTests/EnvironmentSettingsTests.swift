import Contracts
import Testing

/// How every program reads a setting: flag, then environment, then the configuration's default.
@Suite struct EnvironmentSettingsTests {
    let settings = EnvironmentSettings(environment: ["PORT": "5", "EMPTY": "", "WORD": "soon", "OTHER": "x"])

    @Test func aFlagWinsOverTheEnvironment() throws {
        #expect(settings.text("flag", "OTHER") == "flag")
        #expect(try settings.number(7, "PORT") == 7)
    }

    @Test func theFirstVariableSetWins() {
        #expect(settings.text(nil, "MISSING", "OTHER") == "x")
        #expect(settings.text(nil, "MISSING") == nil)
    }

    @Test func anEmptyVariableCountsAsUnset() throws {
        #expect(settings.text(nil, "EMPTY", "OTHER") == "x")
        #expect(try settings.number(Int?.none, "EMPTY") == nil)
    }

    @Test func aVariableThatIsNotANumberIsRefusedByName() throws {
        #expect(try settings.number(Int?.none, "PORT") == 5)
        #expect(throws: SettingError.self) { try settings.number(Int?.none, "WORD") }
        #expect((try? settings.number(Double?.none, "WORD")) == nil)
        do {
            _ = try settings.number(Int?.none, "WORD")
        } catch {
            #expect(error.description == "WORD must be a number, got soon")
        }
    }
}
