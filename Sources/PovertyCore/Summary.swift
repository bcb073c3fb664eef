/// Year-by-year figures of a set of reviews: classes, transitions (escaped, fell back,
/// newly poor, left) and the Alkire–Foster statistics, per review year and, optionally,
/// per unit. The rules are those of `poverty-standards.md`.

/// Alkire–Foster figures for one group of households under one standard.
public struct AlkireFoster: Sendable, Hashable {
    /// `D`, the number of indicators of the standard.
    public let indicatorCount: Int
    /// `k`: deprived in at least this many indicators means multidimensionally poor.
    public let cutoff: Int
    /// `n`, households.
    public private(set) var households = 0
    /// `q`, multidimensionally poor households.
    public private(set) var poor = 0
    /// Σ dᵢ over the `q` poor households.
    public private(set) var deprivationsOfPoor = 0
    /// Poor households deprived in each indicator, by catalogue index.
    public private(set) var censoredCounts: [Int]
    /// The standard's indicators, in table order.
    public let indicators: [Indicator]

    public init(standard: PovertyStandard, catalogSize: Int) {
        indicatorCount = standard.indicatorCount
        cutoff = standard.deprivationCutoff
        indicators = standard.indicators
        censoredCounts = [Int](repeating: 0, count: catalogSize)
    }

    public mutating func add(deprivedMask: UInt64) {
        households += 1
        let d = deprivedMask.nonzeroBitCount
        guard d >= cutoff else { return }
        poor += 1
        deprivationsOfPoor += d
        var m = deprivedMask
        while m != 0 {
            let i = m.trailingZeroBitCount
            censoredCounts[i] += 1
            m &= m - 1
        }
    }

    /// `H = q / n`.
    public var headcount: Ratio { Ratio(poor, households) }
    /// `A = (Σ cᵢ over the q) / q = Σ dᵢ / (D·q)`.
    public var intensity: Ratio { Ratio(deprivationsOfPoor, indicatorCount * poor) }
    /// `M0 = H × A = Σ dᵢ / (D·n)`, exactly.
    public var adjustedHeadcount: Ratio { Ratio(deprivationsOfPoor, indicatorCount * households) }
    /// `hⱼ`: share of all households that are poor and deprived in indicator j.
    public func censoredHeadcount(_ indicator: Indicator) -> Ratio { Ratio(censoredCounts[indicator.index], households) }
    /// Contribution of j: `(hⱼ / D) / M0 = count_j / Σ dᵢ`. Contributions sum to 1.
    public func contribution(_ indicator: Indicator) -> Ratio { Ratio(censoredCounts[indicator.index], deprivationsOfPoor) }
}

/// One line of `giamngheo summary`.
public struct SummaryRow: Sendable {
    public let year: Int
    public let unit: String
    public let standardCode: String
    public var counts: [LivingStandard: Int]
    public var escaped = 0
    public var fellBack = 0
    public var newlyPoor = 0
    public var left = 0
    /// Poor households at the last review round (same unit), when comparable.
    public var poorLastReview = 0
    /// True for the first year of the file and the first review under a new standard: a new
    /// baseline, where the four counts are 0.
    public var isBaseline = false
    public var alkireFoster: AlkireFoster

    public var households: Int { counts.values.reduce(0, +) }
    public var poor: Int { counts[.poor] ?? 0 }
    /// Poor households per hundred households.
    public var povertyRate: Ratio { Ratio(poor, households) }
}

/// Collects classified reviews and computes the summary lines. Memory: a few bytes per
/// review plus one entry per distinct household.
public struct SummaryBuilder {
    public let byUnit: Bool
    private let catalog: StandardCatalog
    private var keyIDs: [String: Int32] = [:]
    private var unitIDs: [String: Int32] = [:]
    private var unitNames: [String] = []
    private var entries: [Entry] = []
    private var standardOfYear: [Int: PovertyStandard] = [:]
    private var groups: [GroupKey: SummaryRow] = [:]

    struct Entry { var key: Int32; var year: Int16; var poor: Bool; var unit: Int32 }
    struct GroupKey: Hashable { var unit: Int32; var year: Int }

    public init(byUnit: Bool, catalog: StandardCatalog = .builtIn) {
        self.byUnit = byUnit
        self.catalog = catalog
    }

    public enum Error: Swift.Error, Equatable {
        /// Two standards in one year (only possible when mixing files).
        case mixedStandards(year: Int, String, String)
    }

    /// Adds one classified review.
    public mutating func add(householdCode: String, unit: String?, year: Int,
                             standard: PovertyStandard, classification c: Classification) throws {
        if let s = standardOfYear[year] {
            if s.code != standard.code { throw Error.mixedStandards(year: year, s.code, standard.code) }
        } else {
            standardOfYear[year] = standard
        }
        let unitName = byUnit ? (unit ?? "") : ""
        let unitID: Int32
        if let id = unitIDs[unitName] { unitID = id } else {
            unitID = Int32(unitNames.count)
            unitIDs[unitName] = unitID
            unitNames.append(unitName)
        }
        // A household is one household whichever unit reviews it. By unit, each unit is compared
        // within itself (`survey-format.md`): `build` then reads a household's reviews unit by unit,
        // so one that changed unit is left in its old unit and not surveyed last review in its new
        // one (where it fell back if it was poor in an earlier review, in any unit).
        let key: Int32
        if let id = keyIDs[householdCode] { key = id } else {
            key = Int32(keyIDs.count)
            keyIDs[householdCode] = key
        }
        entries.append(Entry(key: key, year: Int16(year), poor: c.status == .poor, unit: unitID))
        let g = GroupKey(unit: unitID, year: year)
        var row = groups[g] ?? SummaryRow(year: year, unit: unitName, standardCode: standard.code, counts: [:],
                                          alkireFoster: AlkireFoster(standard: standard, catalogSize: catalog.indicators.count))
        row.counts[c.status, default: 0] += 1
        row.alkireFoster.add(deprivedMask: c.deprivedMask)
        groups[g] = row
    }

    /// The summary lines: years ascending, then units by code.
    public func build() -> [SummaryRow] {
        let years = standardOfYear.keys.sorted()
        var yearIndex: [Int: Int] = [:]
        for (i, y) in years.enumerated() { yearIndex[y] = i }
        // Whether anyone was reviewed in a year under a standard (one standard per year here).
        let reviewed = { (year: Int, standard: String) in standardOfYear[year]?.code == standard }

        var groups = self.groups
        func bump(_ unit: Int32, _ year: Int, _ body: (inout SummaryRow) -> Void) {
            let g = GroupKey(unit: unit, year: year)
            guard var row = groups[g] ?? standardOfYear[year].map({ s in
                SummaryRow(year: year, unit: unitNames[Int(unit)], standardCode: s.code, counts: [:],
                           alkireFoster: AlkireFoster(standard: s, catalogSize: catalog.indicators.count))
            }) else { return }
            body(&row)
            groups[g] = row
        }

        // Each household's reviews (by unit: its reviews in each unit), through the one
        // definition of the year's moves. Without `byUnit` every entry has the same unit.
        let sorted = entries.sorted { ($0.key, $0.unit, $0.year) < ($1.key, $1.unit, $1.year) }
        var start = 0
        var points: [ReviewPoint<Int32>] = []
        var poorYears: [(year: Int, standard: String)] = []
        while start < sorted.count {
            var end = start
            while end < sorted.count && sorted[end].key == sorted[start].key { end += 1 }
            // Whether the household was poor, in any unit, in a round before `last` under
            // `standard`: by unit, one new to a unit "fell back" when it was poor in an earlier
            // review, wherever (`poverty-standards.md` defines the moves per household).
            poorYears.removeAll(keepingCapacity: true)
            if byUnit {
                for e in sorted[start..<end] where e.poor {
                    if let s = standardOfYear[Int(e.year)] { poorYears.append((Int(e.year), s.code)) }
                }
            }
            var unitStart = start
            while unitStart < end {
                var unitEnd = unitStart
                while unitEnd < end && sorted[unitEnd].unit == sorted[unitStart].unit { unitEnd += 1 }
                points.removeAll(keepingCapacity: true)
                for e in sorted[unitStart..<unitEnd] {
                    guard let s = standardOfYear[Int(e.year)] else { continue }
                    points.append(ReviewPoint(year: Int(e.year), standard: s.code, inClass: e.poor, unit: e.unit))
                }
                // The rounds this household's reviews take part in: their own, and the next one.
                var asked = Set<Int>()
                for p in points {
                    guard let i = yearIndex[p.year] else { continue }
                    asked.insert(i)
                    if i + 1 < years.count { asked.insert(i + 1) }
                }
                for i in asked.sorted() {
                    let year = years[i], last = i > 0 ? years[i - 1] : nil
                    for event in YearMoves.moves(of: points, in: year, last: last, reviewed: reviewed) {
                        var move = event.move
                        if move == .newly, let last, let standard = standardOfYear[year]?.code,
                           poorYears.contains(where: { $0.year < last && $0.standard == standard }) {
                            move = .fellBack
                        }
                        bump(event.unit, year) { row in
                            switch move {
                            case .escaped: row.escaped += 1
                            case .left: row.left += 1
                            case .fellBack: row.fellBack += 1
                            case .newly: row.newlyPoor += 1
                            }
                        }
                    }
                }
                unitStart = unitEnd
            }
            start = end
        }
        // Poor at the last review, for the identity and the report of changes.
        for (g, var row) in groups {
            if let i = yearIndex[g.year], i > 0, reviewed(years[i - 1], row.standardCode) {
                row.poorLastReview = groups[GroupKey(unit: g.unit, year: years[i - 1])]?.poor ?? 0
            } else {
                row.isBaseline = true
            }
            groups[g] = row
        }
        return groups.values.sorted { ($0.year, $0.unit) < ($1.year, $1.unit) }
    }
}
