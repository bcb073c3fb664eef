/// The year's moves of a household, defined once (`poverty-standards.md`, "Year to year"): every
/// output — `giamngheo summary`, the kept counts of the registry and their independent recount,
/// standard tables 2–3, the dashboard and the annual report's figures — counts a household
/// through this function (the file's summary by unit gives it one unit's reviews at a time, below).
///
/// Against the previous review round (the year before, or the latest earlier year with reviews
/// when a whole year was skipped: the household's "last review"), for one class
/// (poor, or near-poor for table 3):
/// - **escaped**: in the class last review, reviewed now and not in it (counted at last
///   review's unit);
/// - **left**: in the class last review and not reviewed now (last review's unit);
/// - **fell back**: in the class now, not in it (or not reviewed) last review, and in it in
///   some earlier review under the same standard (this review's unit);
/// - **newly**: the same, never in the class before under the same standard (first review,
///   back after a gap, or moved in).
///
/// A household in the class both years but in another unit **moved**: it counts as left in the
/// old unit and newly in the new one (of which moved in), so each unit's identity holds; a
/// branch holding both units sees no move (the registry's counts, whose branches are summed).
/// A survey file's summary by unit compares each unit within itself instead (`survey-format.md`):
/// it gives this function a household's reviews in one unit at a time, so one that changed unit
/// is left in the old unit, escaped or not, and not surveyed last review in the new one (fell
/// back there if poor in an earlier review in any unit, else newly poor). Two reviews under different standards are not
/// compared, and in the first year of a standard nothing is counted. Then, for every unit and
/// year, `in class now = in class last review − escaped − left + fell back + newly`.
public enum YearMove: String, Sendable, CaseIterable, Codable {
    case escaped
    case left
    case fellBack = "fell_back"
    case newly = "newly_poor"
}

/// One review of a household, as the moves need it.
public struct ReviewPoint<Unit: Hashable & Sendable>: Sendable, Hashable {
    public let year: Int
    public let standard: String
    public let inClass: Bool
    public let unit: Unit

    public init(year: Int, standard: String, inClass: Bool, unit: Unit) {
        self.year = year
        self.standard = standard
        self.inClass = inClass
        self.unit = unit
    }
}

/// One move of one household in one year, at one unit.
public struct MoveEvent<Unit: Hashable & Sendable>: Sendable, Hashable {
    public let move: YearMove
    public let unit: Unit
    /// For a household in the class both years in two units: the other unit (the new one for
    /// `left`, the old one for `newly`); nil for every other move.
    public let counterpart: Unit?

    public init(move: YearMove, unit: Unit, counterpart: Unit?) {
        self.move = move
        self.unit = unit
        self.counterpart = counterpart
    }
}

public enum YearMoves {
    /// The moves of `year` for one household, from its reviews in ascending years (one per
    /// year), against the review round `last` (the latest earlier year with reviews; nil: none,
    /// nothing is compared). `reviewed(year, standard)` says whether anyone was reviewed in that
    /// year under that standard: in the first round of a standard nothing is compared, and a
    /// household is "left" only when its standard's review of the year took place.
    public static func moves<Unit>(of reviews: [ReviewPoint<Unit>], in year: Int, last: Int?,
                                   reviewed: (Int, String) -> Bool) -> [MoveEvent<Unit>] {
        guard let last else { return [] }
        var current: ReviewPoint<Unit>?, previous: ReviewPoint<Unit>?
        for r in reviews {
            if r.year == year { current = r } else if r.year == last { previous = r }
        }
        var out: [MoveEvent<Unit>] = []
        if let p = previous, p.inClass {
            if let c = current {
                if c.standard == p.standard {
                    if !c.inClass {
                        out.append(MoveEvent(move: .escaped, unit: p.unit, counterpart: nil))
                    } else if c.unit != p.unit {
                        out.append(MoveEvent(move: .left, unit: p.unit, counterpart: c.unit))
                        out.append(MoveEvent(move: .newly, unit: c.unit, counterpart: p.unit))
                    }
                }
            } else if reviewed(year, p.standard) {
                out.append(MoveEvent(move: .left, unit: p.unit, counterpart: nil))
            }
        }
        if let c = current, c.inClass, reviewed(last, c.standard) {
            if let p = previous, p.standard != c.standard || p.inClass { return out }  // not compared, or handled above
            let earlier = reviews.contains { $0.year < last && $0.standard == c.standard && $0.inClass }
            out.append(MoveEvent(move: earlier ? .fellBack : .newly, unit: c.unit, counterpart: nil))
        }
        return out
    }
}
