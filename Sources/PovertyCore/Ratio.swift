/// An exact fraction of counts, rounded half up only when it is printed.
public struct Ratio: Sendable, Hashable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var isDefined: Bool { denominator != 0 }

    /// The value times `scale`, with `decimals` decimals, rounded half up; `0.00…` when undefined.
    public func formatted(decimals: Int, scale: Int = 1) -> String {
        var unit = 1
        for _ in 0..<decimals { unit *= 10 }
        guard denominator != 0 else { return decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals) }
        let n = numerator * scale * unit
        let rounded = (2 * n + denominator) / (2 * denominator)
        let whole = rounded / unit
        let frac = rounded % unit
        if decimals == 0 { return String(whole) }
        let digits = String(frac)
        return "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    /// For tests and charts only; never for money.
    public var doubleValue: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    public var description: String { "\(numerator)/\(denominator)" }
}
