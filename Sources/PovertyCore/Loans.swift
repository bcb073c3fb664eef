import Foundation

/// National Employment Fund (Quỹ quốc gia về việc làm) loans handled through the union:
/// the dated lending rules, eligibility, repayment schedules and the ageing of arrears.

/// Who borrows: a worker for their own job, a production or business establishment
/// (cooperative, household business) for the workers it takes on, or a worker going abroad
/// under contract (a scheme of its own).
public enum BorrowerKind: String, Sendable, Codable, CaseIterable {
    case worker = "nguoi_lao_dong"
    case establishment = "co_so_san_xuat"
    case abroad = "di_lam_viec_nuoc_ngoai"

    /// The purpose a loan for working abroad carries.
    public static let abroadPurpose = "di_lam_viec_nuoc_ngoai"
}

/// The lending rule in force over `[from, until]`, as the decree of the day sets it.
public struct LoanRule: Sendable, Codable, Hashable {
    public let from: Day
    /// The last day the rule applies (inclusive); nil while it is in force.
    public let until: Day?
    /// The largest loan of a worker borrowing for their own job (one flat maximum).
    public let maxPerBorrower: Dong
    /// An establishment: the largest loan per worker it takes on…
    public let maxPerWorker: Dong
    /// …and per project, whatever the number of workers.
    public let maxPerProject: Dong
    public let maxTermMonths: Int
    /// Purpose codes allowed (see `LoanRules.purposeLabel`).
    public let purposes: [String]
    /// The legal basis: decree and article, in Vietnamese.
    public let source: String

    public init(from: Day, until: Day?, maxPerBorrower: Dong, maxPerWorker: Dong, maxPerProject: Dong, maxTermMonths: Int,
                purposes: [String], source: String = "") {
        self.from = from
        self.until = until
        self.maxPerBorrower = maxPerBorrower
        self.maxPerWorker = maxPerWorker
        self.maxPerProject = maxPerProject
        self.maxTermMonths = maxTermMonths
        self.purposes = purposes
        self.source = source
    }

    public func applies(on day: Day) -> Bool { day >= from && until.map { day <= $0 } ?? true }

    /// The largest loan a borrower of this kind may have for `workers` workers (working abroad:
    /// the contract's costs decide, see `LoanRules.check`).
    public func limit(for kind: BorrowerKind, workers: Int) -> Dong {
        switch kind {
        case .worker, .abroad: return maxPerBorrower
        case .establishment:
            let (product, overflow) = maxPerWorker.multipliedReportingOverflow(by: max(1, workers))
            return min(overflow ? Dong.max : product, maxPerProject)
        }
    }

    enum CodingKeys: String, CodingKey { case from, until, maxPerBorrower, maxPerWorker, maxPerProject, maxTermMonths, purposes, source }

    /// Dates are `YYYY-MM-DD` text, as in `Resources/loan-rules.json`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func day(_ key: CodingKeys) throws -> Day? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let d = Day(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "'\(text)' is not a date")
            }
            return d
        }
        guard let from = try day(.from) else {
            throw DecodingError.keyNotFound(CodingKeys.from, .init(codingPath: c.codingPath, debugDescription: "no 'from'"))
        }
        self.init(from: from, until: try day(.until),
                  maxPerBorrower: try c.decode(Dong.self, forKey: .maxPerBorrower),
                  maxPerWorker: try c.decode(Dong.self, forKey: .maxPerWorker),
                  maxPerProject: try c.decode(Dong.self, forKey: .maxPerProject),
                  maxTermMonths: try c.decode(Int.self, forKey: .maxTermMonths),
                  purposes: try c.decode([String].self, forKey: .purposes),
                  source: try c.decodeIfPresent(String.self, forKey: .source) ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from.iso, forKey: .from)
        try c.encodeIfPresent(until?.iso, forKey: .until)
        try c.encode(maxPerBorrower, forKey: .maxPerBorrower)
        try c.encode(maxPerWorker, forKey: .maxPerWorker)
        try c.encode(maxPerProject, forKey: .maxPerProject)
        try c.encode(maxTermMonths, forKey: .maxTermMonths)
        try c.encode(purposes, forKey: .purposes)
        try c.encode(source, forKey: .source)
    }
}

/// A loan purpose with its Vietnamese and English labels.
public struct LoanPurpose: Sendable, Hashable, Codable {
    public let code: String
    public let vi: String
    /// The English label (an English page); the Vietnamese one where the rules give none.
    public let en: String?

    public init(code: String, vi: String, en: String? = nil) {
        self.code = code
        self.vi = vi
        self.en = en
    }

    public func label(english: Bool) -> String { english ? en ?? vi : vi }
}

/// The lending rules through time, non-overlapping, ordered by start. The built-in rules are
/// `Resources/loan-rules.json`.
public struct LoanRules: Sendable {
    public let rules: [LoanRule]

    public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)
        case emptyPeriod(from: Day)
        case overlapping(Day, Day)
        case badLimits(from: Day)
        case unknownPurpose(String)

        public var description: String {
            switch self {
            case .malformed(let why): "tệp quy định cho vay không đọc được / the loan-rules file is malformed: \(why)"
            case .emptyPeriod(let d): "quy định từ \(d.vietnamese): ngày kết thúc trước ngày bắt đầu / rule from \(d.iso): ends before it starts"
            case let .overlapping(a, b): "quy định từ \(a.vietnamese) và từ \(b.vietnamese) chồng thời gian / rules from \(a.iso) and \(b.iso) overlap"
            case .badLimits(let d): "quy định từ \(d.vietnamese): mức vay và thời hạn phải lớn hơn 0 / rule from \(d.iso): limit and term must be positive"
            case .unknownPurpose(let p): "mục đích vay '\(p)' không có nhãn / loan purpose '\(p)' has no label"
            }
        }
    }

    /// Checks that periods are not empty, limits positive, and no two periods overlap.
    public init(rules: [LoanRule]) throws {
        let sorted = rules.sorted { $0.from < $1.from }
        for r in sorted {
            if let end = r.until, end < r.from { throw LoadError.emptyPeriod(from: r.from) }
            guard r.maxPerBorrower > 0, r.maxPerWorker > 0, r.maxPerProject >= r.maxPerWorker, r.maxTermMonths > 0 else {
                throw LoadError.badLimits(from: r.from)
            }
        }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            guard let end = a.until, end < b.from else { throw LoadError.overlapping(a.from, b.from) }
        }
        self.rules = sorted
    }

    /// The rule in force on `day`, if any.
    public func rule(on day: Day) -> LoanRule? { rules.last { $0.applies(on: day) } }

    struct File: Decodable {
        let purposes: [LoanPurpose]
        let rules: [LoanRule]
    }

    static func load(_ json: Data) throws -> (LoanRules, [LoanPurpose]) {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch {
            throw LoadError.malformed(String(describing: error))
        }
        let known = Set(file.purposes.map(\.code))
        for r in file.rules {
            for p in r.purposes where !known.contains(p) { throw LoadError.unknownPurpose(p) }
        }
        return (try LoanRules(rules: file.rules), file.purposes)
    }

    private static let bundledFile: (LoanRules, [LoanPurpose]) = {
        do { return try load(Data(PackageResources.loan_rules_json)) } catch {
            fatalError("built-in loan rules are invalid: \(error)")
        }
    }()

    /// The built-in rules. They are validated by the test suite, so a failure here is a build defect.
    public static var bundled: LoanRules { bundledFile.0 }

    /// Every loan purpose of the built-in rules, in file order.
    public static var purposes: [LoanPurpose] { bundledFile.1 }

    /// The Vietnamese label of a loan purpose code (`chan_nuoi` → "Chăn nuôi"), or the English one.
    public static func purposeLabel(_ code: String, english: Bool = false) -> String? {
        purposes.first { $0.code == code }?.label(english: english)
    }
}

/// An application for a loan.
public struct LoanRequest: Sendable, Hashable {
    public let amount: Dong
    public let termMonths: Int
    public let purpose: String
    public let appliedOn: Day
    /// Workers the loan creates or keeps jobs for (at least one; less counts as one).
    public let workers: Int
    /// The borrower is a union member in good standing (đoàn viên sinh hoạt bình thường).
    public let memberInGoodStanding: Bool
    public let borrower: BorrowerKind
    /// The borrower's age on the application day, when the registry knows the birth date.
    public let age: Int?
    /// Working abroad: the contract's costs and its length in months.
    public let contractCost: Dong?
    public let contractMonths: Int?

    public init(amount: Dong, termMonths: Int, purpose: String, appliedOn: Day, workers: Int, memberInGoodStanding: Bool,
                borrower: BorrowerKind = .worker, age: Int? = nil, contractCost: Dong? = nil, contractMonths: Int? = nil) {
        self.amount = amount
        self.termMonths = termMonths
        self.purpose = purpose
        self.appliedOn = appliedOn
        self.workers = workers
        self.memberInGoodStanding = memberInGoodStanding
        self.borrower = borrower
        self.age = age
        self.contractCost = contractCost
        self.contractMonths = contractMonths
    }
}

/// Why a loan request is refused.
public enum LoanIneligibility: Error, Sendable, Hashable, CustomStringConvertible {
    case notInGoodStanding
    /// Under 15 on the application day (the Labour Code's working age).
    case notOfWorkingAge
    case purposeNotAllowed(String)
    /// Working abroad is its own scheme: its purpose goes with that kind of borrower only.
    case purposeNotOfKind(String)
    case nonPositiveAmount
    case amountOverLimit(limit: Dong)
    case termOutOfRange(max: Int)
    /// Working abroad: the contract's costs and length are needed…
    case contractMissing
    /// …and neither the amount nor the term may exceed them.
    case overContractCost(Dong)
    case longerThanContract(months: Int)
    case noRule(Day)

    /// Why, in the catalogues' words.
    public var message: Message {
        switch self {
        case .notInGoodStanding: Message("refusal.loan.not_member")
        case .notOfWorkingAge: Message("refusal.loan.not_working_age")
        case .purposeNotAllowed(let p): Message("refusal.loan.purpose_not_allowed", .both(vi: LoanRules.purposeLabel(p) ?? p, en: LoanRules.purposeLabel(p, english: true) ?? p))
        case .purposeNotOfKind(let p): Message("refusal.loan.purpose_not_of_kind", .both(vi: LoanRules.purposeLabel(p) ?? p, en: LoanRules.purposeLabel(p, english: true) ?? p))
        case .nonPositiveAmount: Message("refusal.loan.amount_not_positive")
        case .amountOverLimit(let limit): Message("refusal.loan.over_limit", .money(limit))
        case .termOutOfRange(let max): Message("refusal.loan.term_out_of_range", .number(max))
        case .contractMissing: Message("refusal.loan.contract_missing")
        case .overContractCost(let cost): Message("refusal.loan.over_contract_cost", .money(cost))
        case .longerThanContract(let months): Message("refusal.loan.longer_than_contract", .number(months))
        case .noRule(let day): Message("refusal.loan.no_rule", .day(day))
        }
    }

    public var description: String { message.description }
}

extension LoanRules {
    /// The age from which a person may work (Labour Code 2019, art. 3).
    public static let workingAge = 15

    /// Every reason the request is refused under the rule in force on its application day,
    /// in a fixed order; empty when it is eligible. A worker borrows at most the rule's flat
    /// maximum per borrower; an establishment at most its maximum per worker × workers, capped
    /// per project; working abroad at most the contract's costs (and the flat maximum), for no
    /// longer than the contract. The term is 1…`maxTermMonths` months.
    public func check(_ request: LoanRequest) -> [LoanIneligibility] {
        var reasons: [LoanIneligibility] = []
        if !request.memberInGoodStanding { reasons.append(.notInGoodStanding) }
        if let age = request.age, age < Self.workingAge { reasons.append(.notOfWorkingAge) }
        let rule = rule(on: request.appliedOn)
        if rule == nil { reasons.append(.noRule(request.appliedOn)) }
        let abroad = request.borrower == .abroad
        if abroad != (request.purpose == BorrowerKind.abroadPurpose) { reasons.append(.purposeNotOfKind(request.purpose)) }
        if request.amount <= 0 {
            reasons.append(.nonPositiveAmount)
        } else if let rule {
            let limit = rule.limit(for: request.borrower, workers: request.workers)
            if request.amount > limit { reasons.append(.amountOverLimit(limit: limit)) }
        }
        if abroad {
            if let cost = request.contractCost, let months = request.contractMonths, cost > 0, months > 0 {
                if request.amount > cost { reasons.append(.overContractCost(cost)) }
                if request.termMonths > months { reasons.append(.longerThanContract(months: months)) }
            } else {
                reasons.append(.contractMissing)
            }
        }
        if let rule {
            if !(1...rule.maxTermMonths).contains(request.termMonths) { reasons.append(.termOutOfRange(max: rule.maxTermMonths)) }
            if !rule.purposes.contains(request.purpose) { reasons.append(.purposeNotAllowed(request.purpose)) }
        }
        return reasons
    }
}

/// One repayment of principal due under a schedule.
public struct Instalment: Sendable, Hashable, Codable {
    public let number: Int
    public let due: Day
    public let principal: Dong

    public init(number: Int, due: Day, principal: Dong) {
        self.number = number
        self.due = due
        self.principal = principal
    }
}

/// A deferral (gia hạn nợ) granted on `granted` for `months` months.
public struct LoanExtension: Sendable, Hashable, Codable {
    public let granted: Day
    public let months: Int

    public init(granted: Day, months: Int) {
        self.granted = granted
        self.months = months
    }
}

public enum LoanSchedule {
    /// Equal principal instalments every `everyMonths` months from `disbursed`, the last one at
    /// `disbursed + termMonths` (earlier if the term is not a multiple of the period). Dates
    /// clamp to month ends; the remainder of the division goes on the last instalment, so the
    /// instalments sum to `amount` exactly. Each extension, in order of grant, moves every
    /// instalment then due on or after its grant day `months` later (non-positive months are
    /// ignored). Empty when the amount, term or period is not positive.
    public static func make(amount: Dong, disbursed: Day, termMonths: Int, everyMonths: Int,
                            extensions: [LoanExtension] = []) -> [Instalment] {
        guard amount > 0, termMonths > 0, everyMonths > 0 else { return [] }
        let count = (termMonths + everyMonths - 1) / everyMonths
        // Offsets in months from disbursement, shifted by the extensions that reach them; each
        // date is computed from the disbursement day so that clamping never accumulates.
        var offsets = (1...count).map { min($0 * everyMonths, termMonths) }
        for ext in extensions.sorted(by: { $0.granted < $1.granted }) where ext.months > 0 {
            for i in offsets.indices where disbursed.adding(months: offsets[i]) >= ext.granted {
                offsets[i] += ext.months
            }
        }
        let base = amount / count
        return offsets.enumerated().map { i, offset in
            Instalment(number: i + 1, due: disbursed.adding(months: offset),
                       principal: i == count - 1 ? amount - base * (count - 1) : base)
        }
    }
}

/// How long the oldest unpaid overdue instalment has been overdue.
public enum AgeingBucket: String, Sendable, CaseIterable, Codable {
    case days1to30 = "1-30"
    case days31to90 = "31-90"
    case days91to180 = "91-180"
    case over180 = ">180"

    /// Nil when nothing is overdue (0 days or fewer).
    public init?(daysOverdue: Int) {
        switch daysOverdue {
        case ...0: return nil
        case 1...30: self = .days1to30
        case 31...90: self = .days31to90
        case 91...180: self = .days91to180
        default: self = .over180
        }
    }

    public var label: String {
        switch self {
        case .days1to30: "quá hạn 1–30 ngày"
        case .days31to90: "quá hạn 31–90 ngày"
        case .days91to180: "quá hạn 91–180 ngày"
        case .over180: "quá hạn trên 180 ngày"
        }
    }

    public var labelEn: String {
        switch self {
        case .days1to30: "1–30 days overdue"
        case .days31to90: "31–90 days overdue"
        case .days91to180: "91–180 days overdue"
        case .over180: "over 180 days overdue"
        }
    }
}

/// A repayment of principal.
public struct Repayment: Sendable, Hashable, Codable {
    public let day: Day
    public let amount: Dong

    public init(day: Day, amount: Dong) {
        self.day = day
        self.amount = amount
    }
}

/// A loan's standing on one day.
public struct LoanPosition: Sendable, Hashable {
    public let disbursed: Dong
    /// Repayments on or before the day.
    public let repaid: Dong
    /// Principal still owed (never negative).
    public var outstanding: Dong { max(0, disbursed - repaid) }
    /// Principal of the instalments due on or before the day.
    public let dueToDate: Dong
    /// Principal of the instalments due before the day (so past due), less repayments, never
    /// negative. An instalment due today is not yet overdue.
    public let overdue: Dong
    /// Days since the due date of the oldest overdue instalment repayments do not cover; 0 if none.
    public let daysOverdue: Int
    public var bucket: AgeingBucket? { AgeingBucket(daysOverdue: daysOverdue) }

    /// The position on `day`: only repayments on or before it count, and they pay instalments
    /// oldest first. An instalment is overdue once its due date is before `day` and repayments
    /// do not cover it.
    public static func position(amount: Dong, schedule: [Instalment], repayments: [Repayment], on day: Day) -> LoanPosition {
        let repaid = repayments.lazy.filter { $0.day <= day }.reduce(0) { $0 + $1.amount }
        let ordered = schedule.sorted { ($0.due, $0.number) < ($1.due, $1.number) }
        let dueToDate = ordered.lazy.filter { $0.due <= day }.reduce(0) { $0 + $1.principal }
        let pastDue = ordered.lazy.filter { $0.due < day }.reduce(0) { $0 + $1.principal }
        var left = repaid
        var daysOverdue = 0
        for inst in ordered {
            if left >= inst.principal { left -= inst.principal; continue }
            if inst.due < day { daysOverdue = day.days(since: inst.due) }
            break
        }
        return LoanPosition(disbursed: amount, repaid: repaid, dueToDate: dueToDate,
                            overdue: max(0, pastDue - repaid), daysOverdue: daysOverdue)
    }
}
