import PovertyCore
import Testing

/// The year's moves, case by case (`poverty-standards.md`, "Year to year").
@Suite("Year-to-year moves")
struct YearMovesTests {
    typealias R = ReviewPoint<String>
    static func r(_ year: Int, _ poor: Bool, _ unit: String = "A", standard: String = "vn-2022") -> R {
        R(year: year, standard: standard, inClass: poor, unit: unit)
    }
    /// Every year 2021–2026 had reviews under vn-2022; 2027 under vn-2027.
    static func reviewed(_ year: Int, _ standard: String) -> Bool {
        standard == "vn-2027" ? year >= 2027 : (2021...2026).contains(year)
    }
    static func moves(_ reviews: [R], _ year: Int) -> [MoveEvent<String>] {
        YearMoves.moves(of: reviews, in: year, last: year - 1, reviewed: reviewed)
    }
    static func one(_ move: YearMove, _ unit: String = "A", _ counterpart: String? = nil) -> MoveEvent<String> {
        MoveEvent(move: move, unit: unit, counterpart: counterpart)
    }

    @Test func escapedWhenReviewedAndNoLongerPoor() {
        #expect(Self.moves([Self.r(2022, true), Self.r(2023, false)], 2023) == [Self.one(.escaped)])
    }

    @Test func escapedCountsAtLastReviewsUnit() {
        #expect(Self.moves([Self.r(2022, true, "A"), Self.r(2023, false, "B")], 2023) == [Self.one(.escaped, "A")])
    }

    @Test func leftWhenNotReviewedThisYear() {
        #expect(Self.moves([Self.r(2022, true)], 2023) == [Self.one(.left)])
    }

    @Test func notLeftWhenTheYearHadNoReviewOfItsStandard() {
        #expect(Self.moves([Self.r(2026, true)], 2027).isEmpty)
    }

    @Test func newlyPoorAtAFirstReview() {
        #expect(Self.moves([Self.r(2023, true)], 2023) == [Self.one(.newly)])
    }

    @Test func newlyPoorWhenNotPoorBefore() {
        #expect(Self.moves([Self.r(2021, false), Self.r(2022, false), Self.r(2023, true)], 2023) == [Self.one(.newly)])
    }

    @Test func fellBackWhenPoorInAnEarlierReview() {
        #expect(Self.moves([Self.r(2021, true), Self.r(2022, false), Self.r(2023, true)], 2023) == [Self.one(.fellBack)])
    }

    @Test func fellBackAfterAGapYear() {
        let history = [Self.r(2021, true), Self.r(2023, true)]
        #expect(Self.moves(history, 2022) == [Self.one(.left)])
        #expect(Self.moves(history, 2023) == [Self.one(.fellBack)])
    }

    @Test func aHouseholdLeavingAndComingBack() {
        let history = [Self.r(2021, false), Self.r(2022, true), Self.r(2024, true)]
        #expect(Self.moves(history, 2022) == [Self.one(.newly)])
        #expect(Self.moves(history, 2023) == [Self.one(.left)])
        #expect(Self.moves(history, 2024) == [Self.one(.fellBack)])
    }

    @Test func poorUnderAnotherStandardDoesNotMakeFellBack() {
        let history = [Self.r(2019, true, standard: "vn-2016"), Self.r(2021, false), Self.r(2022, true)]
        #expect(Self.moves(history, 2022) == [Self.one(.newly)])
    }

    @Test func theFirstYearOfAStandardCountsNothing() {
        let history = [Self.r(2026, true), Self.r(2027, false, standard: "vn-2027")]
        #expect(Self.moves(history, 2027).isEmpty)
        #expect(Self.moves([Self.r(2026, false), Self.r(2027, true, standard: "vn-2027")], 2027).isEmpty)
        #expect(Self.moves([Self.r(2027, true, standard: "vn-2027")], 2027).isEmpty)
    }

    @Test func movingBetweenUnitsWhilePoorIsLeftThereAndNewlyHere() {
        #expect(Self.moves([Self.r(2022, true, "A"), Self.r(2023, true, "B")], 2023) == [Self.one(.left, "A", "B"), Self.one(.newly, "B", "A")])
    }

    @Test func stayingPoorInTheSameUnitIsNoMove() {
        #expect(Self.moves([Self.r(2022, true), Self.r(2023, true)], 2023).isEmpty)
    }

    @Test func poorToNearPoorAndBackForTheNearPoorClass() {
        // The near-poor class: in it = near-poor. Poor last year, near-poor now: newly near-poor.
        let near = [R(year: 2022, standard: "vn-2022", inClass: false, unit: "A"), R(year: 2023, standard: "vn-2022", inClass: true, unit: "A")]
        #expect(Self.moves(near, 2023) == [Self.one(.newly)])
    }

    @Test("the identity holds for every unit and year on a mixed history")
    func identity() {
        var rng = SeededRandom(seed: 7)
        var households: [[R]] = []
        for _ in 0..<400 {
            var history: [R] = []
            for year in 2021...2027 where rng.next() % 5 != 0 {
                let unit = ["A", "B", "C"][Int(rng.next() % 3)]
                history.append(R(year: year, standard: year >= 2027 ? "vn-2027" : "vn-2022", inClass: rng.next() % 3 == 0, unit: unit))
            }
            households.append(history)
        }
        for year in 2022...2026 {
            for unit in ["A", "B", "C"] {
                let now = households.filter { $0.contains { $0.year == year && $0.inClass && $0.unit == unit } }.count
                let last = households.filter { $0.contains { $0.year == year - 1 && $0.inClass && $0.unit == unit } }.count
                let events = households.flatMap { Self.moves($0, year) }.filter { $0.unit == unit }
                func n(_ m: YearMove) -> Int { events.filter { $0.move == m }.count }
                #expect(now == last - n(.escaped) - n(.left) + n(.fellBack) + n(.newly), "\(unit) \(year)")
            }
        }
    }
}
