/// A household's income as the survey gives it.
public enum Income: Sendable, Hashable {
    /// Total household income over 12 months and household size.
    case yearlyTotal(Dong, size: Int)
    /// Income per person per month.
    case monthlyPerCapita(Dong)

    /// `income ≤ line` per person per month, decided exactly in integers:
    /// for a yearly total `T` of `n` people, `T ≤ line × n × 12`.
    @inlinable
    public func isAtOrBelow(_ line: Dong) -> Bool {
        switch self {
        case let .yearlyTotal(total, size):
            let (perYear, o1) = line.multipliedReportingOverflow(by: size * 12)
            return o1 || total <= perYear
        case let .monthlyPerCapita(income):
            return income <= line
        }
    }

    /// Per-capita monthly income shown to users: `T / (12n)` rounded down.
    @inlinable
    public var perCapitaMonthly: Dong {
        switch self {
        case let .yearlyTotal(total, size): total / (12 * size)
        case let .monthlyPerCapita(income): income
        }
    }
}

/// The answers of one household in one review, as the classifier needs them.
public struct HouseholdAnswers: Sendable, Hashable {
    public var area: Area
    public var income: Income
    /// Bit `i` set when the household is deprived in catalogue indicator `i`.
    /// Bits of indicators that the standard does not use are ignored.
    public var deprivations: UInt64

    public init(area: Area, income: Income, deprivations: UInt64) {
        self.area = area
        self.income = income
        self.deprivations = deprivations
    }

    public init(area: Area, income: Income, deprived codes: [String], catalog: StandardCatalog = .builtIn) {
        var mask: UInt64 = 0
        for code in codes {
            if let ind = catalog.indicator(code: code) { mask |= 1 << ind.index }
        }
        self.init(area: area, income: income, deprivations: mask)
    }
}

/// The outcome of classifying one household, with what is needed to explain it.
public struct Classification: Sendable, Hashable {
    public let status: LivingStandard
    public let perCapitaMonthly: Dong
    /// Deprived indicators of the standard (bit per catalogue index).
    public let deprivedMask: UInt64
    public let deprivationCount: Int
    /// The band the income fell in; `nil` above every band.
    public let bandIndex: Int?
    public let area: Area
    /// The income as given, kept to explain exact comparisons of yearly totals.
    public let income: Income

    @usableFromInline
    init(status: LivingStandard, perCapitaMonthly: Dong, deprivedMask: UInt64, deprivationCount: Int,
         bandIndex: Int?, area: Area, income: Income) {
        self.status = status
        self.perCapitaMonthly = perCapitaMonthly
        self.deprivedMask = deprivedMask
        self.deprivationCount = deprivationCount
        self.bandIndex = bandIndex
        self.area = area
        self.income = income
    }

    /// The deprived indicators, in the order of the indicator table.
    public func deprivedIndicators(in standard: PovertyStandard) -> [Indicator] {
        standard.indicators.filter { deprivedMask & (1 << $0.index) != 0 }
    }
}

public enum Classifier {
    /// Classifies one household under one standard. Pure and exact.
    @inlinable
    public static func classify(_ answers: HouseholdAnswers, under standard: PovertyStandard) -> Classification {
        let deprived = answers.deprivations & standard.indicatorMask
        let d = deprived.nonzeroBitCount
        let bands = standard.bands(for: answers.area)
        var status = LivingStandard.notPoor
        var bandIndex: Int?
        for (i, band) in bands.enumerated() where answers.income.isAtOrBelow(band.upTo) {
            bandIndex = i
            switch band.outcome {
            case .fixed(let s): status = s
            case .poorIfDeprived: status = d >= standard.deprivationCutoff ? .poor : .nearPoor
            }
            break
        }
        return Classification(status: status, perCapitaMonthly: answers.income.perCapitaMonthly,
                              deprivedMask: deprived, deprivationCount: d, bandIndex: bandIndex,
                              area: answers.area, income: answers.income)
    }
}

/// The sentence that says why a household got its class, in Vietnamese or English.
public enum Reason {
    public enum Language: String, Sendable, CaseIterable { case vi, en }

    public static func text(_ c: Classification, standard: PovertyStandard, language: Language = .vi) -> String {
        var out: [UInt8] = []
        append(c, standard: standard, language: language, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the reason into a byte buffer; used on the hot path of `classify`.
    public static func append(_ c: Classification, standard: PovertyStandard, language: Language, to out: inout [UInt8]) {
        let bands = standard.bands(for: c.area)
        let vi = language == .vi
        let sep: UInt8 = vi ? UInt8(ascii: ".") : UInt8(ascii: ",")
        let area = vi ? c.area.vietnamese : c.area.english
        let unit = vi ? " đ" : " VND"
        func put(_ s: String) { out.appendUTF8(s) }
        func money(_ v: Dong) { Money.append(v, separator: sep, to: &out); put(unit) }
        func line(_ band: Band) {
            put(vi ? band.lineVi : band.lineEn); put(" "); put(area); put(" "); money(band.upTo)
        }

        put(vi ? "Thu nhập bình quân " : "Per-capita income ")
        money(c.perCapitaMonthly)
        put(vi ? "/người/tháng" : "/person/month")
        if case let .yearlyTotal(total, size) = c.income, c.perCapitaMonthly * 12 * size != total {
            // The shown figure is rounded down; the comparison used the exact total.
            put(vi ? " (tổng năm " : " (yearly total ")
            money(total)
            put(", ")
            Money.appendPlain(size, to: &out)
            put(vi ? " người)" : size == 1 ? " person)" : " people)")
        }
        if let i = c.bandIndex {
            let band = bands[i]
            if i > 0 {
                put(" > "); line(bands[i - 1])
                put(vi ? " và" : " and")
            }
            put(" ≤ "); line(band)
            if case .poorIfDeprived = band.outcome {
                put(vi ? ", thiếu hụt " : ", deprived in ")
                Money.appendPlain(c.deprivationCount, to: &out)
                put("/"); Money.appendPlain(standard.indicatorCount, to: &out)
                put(vi ? " chỉ số" : " indicators")
                put(c.deprivationCount >= standard.deprivationCutoff ? " (≥ " : " (< ")
                Money.appendPlain(standard.deprivationCutoff, to: &out)
                put(")")
            }
        } else if let last = bands.last {
            put(" > "); line(last)
        }
        put(" → ")
        put(vi ? c.status.vietnamese : c.status.english)
    }
}
