import Domain
import Testing

@Suite struct MoneyTests {
    @Test func amountsAreWholeMinorUnitsSoTenthsAddUpExactly() throws {
        let sum = try money(10).adding(money(20))
        #expect(sum == money(30))
    }

    @Test func amountsOfDifferentCurrenciesNeverAddUpSilently() {
        #expect(throws: ProcurementError.currencyMismatch(expected: eur, got: usd)) {
            try money(100).adding(money(100, usd))
        }
    }

    @Test func arithmeticPastTheBoundIsRefusedNotOverflowed() {
        #expect(throws: ProcurementError.amountOutOfRange) { try money(Money.maximumMinorUnits).times(2) }
        #expect(throws: ProcurementError.amountOutOfRange) { try money(1_000_000_000_000).times(Int.max) }
    }

    @Test(arguments: ["EUR", "USD", "JPY"]) func aCurrencyIsThreeCapitalLetters(code: String) throws {
        #expect(try Currency(code).code == code)
    }

    @Test(arguments: ["eur", "EU", "EURO", "€", ""]) func anythingElseIsNotACurrency(code: String) {
        #expect(throws: DomainError.self) { try Currency(code) }
    }

    @Test func aPaymentDueDateCountsCalendarDays() throws {
        #expect(try day("2027-01-20").adding(days: 30) == day("2027-02-19"))
        #expect(try day("2028-02-28").adding(days: 1) == day("2028-02-29"))
        #expect(try day("2026-12-31").adding(days: 1) == day("2027-01-01"))
        #expect(try day("2027-03-01").adding(days: -1) == day("2027-02-28"))
    }
}
