/// One household's yearly review as an officer fills it in on a form (the review sheet).
///
/// A sheet is checked and classified exactly as a survey file of one row is: `table` writes it
/// as that row (the contract's column names, the indicator columns of the year's standard),
/// `check` reads it back through `SurveyRowParser` and classifies it. So the form, its preview
/// and an import of the same row cannot disagree. Values are kept as typed, so a refused form
/// shows them again unchanged.
public struct ReviewSheet: Sendable, Hashable {
    public enum IncomeBasis: String, Sendable, CaseIterable {
        /// Total over 12 months and household size.
        case yearly
        /// Income per person per month.
        case monthly
    }

    public var householdCode: String
    public var year: String
    /// `nong_thon` or `thanh_thi` (or anything the contract folds to them).
    public var area: String
    public var incomeBasis: IncomeBasis
    public var householdSize: String
    public var yearlyIncome: String
    public var monthlyIncome: String
    /// Indicator codes ticked; only those of the year's standard are read.
    public var deprived: Set<String>
    public var unitCode: String
    /// Member code or citizen ID of the union member of the household (optional).
    public var member: String
    public var ethnicMinority: Bool
    /// Status on the commune's official list (`ngheo`, `can_ngheo`, …), empty when unknown.
    public var officialStatus: String

    public init(householdCode: String = "", year: String = "", area: String = "", incomeBasis: IncomeBasis = .yearly,
                householdSize: String = "", yearlyIncome: String = "", monthlyIncome: String = "", deprived: Set<String> = [],
                unitCode: String = "", member: String = "", ethnicMinority: Bool = false, officialStatus: String = "") {
        self.householdCode = householdCode; self.year = year; self.area = area; self.incomeBasis = incomeBasis
        self.householdSize = householdSize; self.yearlyIncome = yearlyIncome; self.monthlyIncome = monthlyIncome
        self.deprived = deprived; self.unitCode = unitCode; self.member = member
        self.ethnicMinority = ethnicMinority; self.officialStatus = officialStatus
    }

    /// The standard of the sheet's year, when the year is one the catalogue covers.
    public func standard(in catalog: StandardCatalog = .builtIn) -> PovertyStandard? {
        Int(TextFolding.trim(year)).flatMap { catalog.standard(forReviewYear: $0) }
    }

    /// The sheet as a survey file: a header row and one data row.
    public func table(in catalog: StandardCatalog = .builtIn) -> [[String]] {
        var header: [SurveyColumn] = [.householdCode, .year, .area]
        var row = [householdCode, year, area]
        switch incomeBasis {
        case .yearly:
            header += [.size, .yearlyIncome]
            row += [householdSize, yearlyIncome]
        case .monthly:
            header.append(.monthlyIncome)
            row.append(monthlyIncome)
        }
        header += [.unit, .member, .ethnicMinority, .officialStatus]
        row += [unitCode, member, ethnicMinority ? "1" : "0", officialStatus]
        var names = header.map(\.rawValue)
        for indicator in standard(in: catalog)?.indicators ?? [] {
            names.append(indicator.code)
            row.append(deprived.contains(indicator.code) ? "1" : "0")
        }
        return [names, row]
    }

    /// What the sheet says once checked: the record and its class, or the problems, each
    /// naming the contract column it concerns.
    public enum Outcome: Sendable {
        case classified(SurveyRecord, Classification, reason: String)
        case refused([SurveyIssue])
    }

    public func check(in catalog: StandardCatalog = .builtIn, language: Reason.Language = .vi) -> Outcome {
        let rows = table(in: catalog)
        var parser = SurveyRowParser(layout: SurveyLayout(header: rows[0], catalog: catalog))
        var issues = parser.headerIssues
        let record = parser.parse(row: 2, cells: rows[1], issues: &issues)
        // An empty sheet parses to nothing: its code and year are what is missing.
        guard issues.isEmpty, let record else {
            if issues.isEmpty {
                issues = [SurveyIssue(row: 2, column: SurveyColumn.householdCode.rawValue, message: Message("survey.empty_household_code_required"))]
            }
            return .refused(issues)
        }
        let c = Classifier.classify(record.answers, under: record.standard)
        return .classified(record, c, reason: Reason.text(c, standard: record.standard, language: language))
    }
}
