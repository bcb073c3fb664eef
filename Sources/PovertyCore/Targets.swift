/// A target for a count (poor households among members): from a frozen baseline in a
/// baseline year down to a goal in a target year, on a straight line. All arithmetic is in
/// whole households, rounded down: a count at or under the rounded figure is at or under the
/// exact one ("down 70%" from 3 households leaves 0.9, so the goal is 0, not 1).
public struct TargetPath: Sendable, Hashable, Codable {
    public let baselineYear: Int
    public let baseline: Int
    public let targetYear: Int
    public let goal: Int

    /// A reduction in thousandths: 700 is "down 70%".
    public init(baselineYear: Int, baseline: Int, targetYear: Int, reductionPermille: Int) {
        self.baselineYear = baselineYear
        self.baseline = baseline
        self.targetYear = targetYear
        goal = TargetPath.divideDown(baseline * (1000 - reductionPermille), 1000)
    }

    /// A level to reach (at most `level` households).
    public init(baselineYear: Int, baseline: Int, targetYear: Int, level: Int) {
        self.baselineYear = baselineYear
        self.baseline = baseline
        self.targetYear = targetYear
        goal = level
    }

    /// The count the straight line expects in `year` (the baseline before it starts, the goal after it ends).
    public func expected(in year: Int) -> Int {
        guard targetYear > baselineYear else { return goal }
        if year <= baselineYear { return baseline }
        if year >= targetYear { return goal }
        return baseline + TargetPath.divideDown((goal - baseline) * (year - baselineYear), targetYear - baselineYear)
    }

    /// On course: at or under the line in `year`.
    public func onCourse(actual: Int, in year: Int) -> Bool { actual <= expected(in: year) }

    /// How much of the baseline is gone.
    public func reduction(actual: Int) -> Ratio { Ratio(baseline - actual, baseline) }

    /// a / b rounded down, towards minus infinity (b > 0).
    public static func divideDown(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
