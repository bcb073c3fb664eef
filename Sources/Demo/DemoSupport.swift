import Foundation
import PovertyCore
@_spi(Simulation) import Storage

/// The demo province's support work in its last review year: money in the funds and
/// allocated down to the commune/ward unions, support for most poor households (so the
/// coverage page has both complete households and gaps), National Employment Fund loans in
/// every state and age, and two campaigns (Tết Sum vầy approved in one commune, Tháng Công
/// nhân still proposed). Everything goes through the same Storage functions as the app.
struct DemoSupport {
    let store: Store
    let seed: UInt64
    /// The operator building the demo (province-wide).
    let actor: Actor
    let year = DemoProvince.lastYear

    func build() async throws {
        var rng = SeededRandom(seed: seed ^ 0x5199_9047)
        let history = try await store.units.history()
        let today = Day(year: year, month: 11, day: 30)!
        guard let root = history.unit(code: DemoProvince.rootCode) else { throw StorageError.notFound(.unit, DemoProvince.rootCode) }
        let tree = history.tree(on: today)
        var communes = (tree.children[root.id] ?? []).compactMap { history.units[$0] }
            .filter { $0.kind == .communeUnion && !(tree.children[$0.id] ?? []).isEmpty }.sorted { $0.code < $1.code }
        // The demo logins' commune first: it gets the first of everything below.
        if let visitor = try await DemoProvince.visitorCommune(store: store, actor: actor), let i = communes.firstIndex(where: { $0.id == visitor.id }) {
            communes.insert(communes.remove(at: i), at: 0)
        }
        // The plan's target: poor households among members down 70% by 2025 against 2021,
        // frozen on the demo's last day.
        try await store.targets.set(actor, unit: root.code, baselineYear: 2021, targetYear: 2025, reductionPermille: 700,
                                    note: "Kế hoạch 44/KH-LĐLĐ: giảm 70% hộ nghèo đoàn viên so với năm 2021", on: today)
        guard !communes.isEmpty else { return }
        let funds = store.funds
        func d(_ month: Int, _ day: Int) -> Day { Day(year: year, month: month, day: min(day, 28)) ?? Day.endOfYear(year) }

        // Money in early in the year before, once the commune/ward unions stand (loans are lent
        // from it from then on: money is never spent before it arrives, nor at a unit before
        // it is founded): a day's wage from members, businesses, the state's employment-fund
        // capital; allocated to the communes next day.
        let founded = communes.map(\.from).max() ?? d(1, 1)
        let moneyIn = max(Day(year: year - 1, month: 1, day: 8) ?? d(1, 8), founded.adding(days: 7)), allocated = moneyIn.adding(days: 1)
        for (fund, amount, from): (String, Dong, String) in [("mai_am", 2_000_000_000, "Doanh nghiệp và đoàn viên trong tỉnh (ủng hộ Mái ấm Công đoàn)"),
                                     ("xa_hoi", 900_000_000, "Đoàn viên đóng góp một ngày lương"),
                                     ("tro_von", 100_000_000 + 20_000_000 * communes.count, "Quỹ trợ vốn Công đoàn tỉnh"),
                                     ("vi_nguoi_ngheo", 150_000_000, "Đoàn viên, CNVCLĐ (tháng cao điểm Vì người nghèo)"),
                                     ("den_on_dap_nghia", 80_000_000, "Đoàn viên, CNVCLĐ"),
                                     ("nef", 1_000_000_000 + 400_000_000 * communes.count, "Ngân hàng Chính sách xã hội – vốn Quỹ quốc gia về việc làm")] {
            try await funds.contribute(actor, fund: fund, unit: root.code, day: moneyIn, amount: amount, contributor: from)
        }
        try await funds.disburse(actor, fund: "vi_nguoi_ngheo", unit: root.code, day: d(11, 18), amount: 120_000_000,
                                 note: "Nộp Quỹ \"Vì người nghèo\" Ủy ban MTTQ Việt Nam tỉnh")
        for commune in communes {
            try await funds.allocate(actor, fund: "tro_von", from: root.code, to: commune.code, day: allocated, amount: 20_000_000,
                                     note: "Phân bổ quỹ trợ vốn")
            try await funds.allocate(actor, fund: "nef", from: root.code, to: commune.code, day: allocated, amount: 400_000_000,
                                     note: "Giao vốn Quỹ quốc gia về việc làm")
        }
        try await funds.contribute(actor, fund: "xa_hoi", unit: communes[0].code, day: d(3, 2), amount: 15_000_000,
                                   contributor: "Công ty TNHH May Ninh Bình")

        // Support for poor households: most get what addresses each deprivation, some only part.
        let catalogue = try await store.support.catalogue()
        // Before any support every poor household is on the worklist, with its deprivations.
        let poor = try await store.support.coverage(actor, year: year, limit: 2500).gaps
        func commune(of unitID: Int) -> OrgUnit? {
            history.ancestry(of: unitID, on: today).compactMap { history.units[$0] }.first { $0.kind == .communeUnion }
        }
        let sources: [String: (SupportSource, String)] = [
            "ho_tro_bhyt": (.state, "Bảo hiểm xã hội tỉnh (thẻ BHYT hộ nghèo)"), "giao_duc": (.state, "Miễn, giảm học phí – Sở Giáo dục và Đào tạo"),
            "vay_nha_o_nhcsxh": (.state, "Ngân hàng Chính sách xã hội"), "nuoc_ve_sinh": (.partner, "Hội Chữ thập đỏ tỉnh"),
            "thong_tin": (.partner, "Viettel Ninh Bình"), "dao_tao_nghe": (.state, "Trường Cao đẳng nghề (đào tạo nghề miễn phí)"),
            "y_te": (.state, "Trung tâm Y tế huyện"), "viec_lam": (.partner, "Doanh nghiệp tuyển dụng qua Công đoàn"),
        ]
        var month = 2
        // One poor household of the demo logins' commune is left without support: work for its officer.
        let left = poor.first { commune(of: $0.unitID)?.id == communes.first?.id }?.householdCode
        for gap in poor where rng.chance(850) {
            let code = gap.householdCode
            // The draws are made all the same, so that the rest of the province is as before.
            let skip = code == left
            guard let giver = commune(of: gap.unitID) else { continue }
            let deprived = gap.coverage.lines.map(\.indicator)
            let complete = rng.chance(700)
            var given: Set<String> = []
            for (i, indicator) in deprived.enumerated() {
                if !complete && i == deprived.count - 1 { break }
                let options = catalogue.policies(addressing: indicator).filter { !$0.hasPrefix("mai_am") && $0 != "vay_quy_viec_lam" }
                guard !options.isEmpty, !options.contains(where: given.contains) else { continue }
                let policy = rng.pick(options)
                given.insert(policy)
                month = month % 11 + 1
                let day = d(month, 1 + Int(rng.next() % 27))
                if skip {
                    continue
                } else if let (source, name) = sources[policy] {
                    try await store.support.record(actor, NewSupport(household: code, policy: policy, day: day, value: Dong(rng.int(in: 2...30)) * 100_000,
                                                                     source: source, sourceName: name, unit: giver.code))
                } else {
                    // The union's micro-capital fund pays for production support and the like.
                    let value = Dong(rng.int(in: 5...20)) * 100_000
                    let paid = day
                    if try await funds.balance(actor, fund: "tro_von", unit: giver.code) >= value {
                        try await store.support.record(actor, NewSupport(household: code, policy: policy, day: paid, value: value, inKind: "giống, vật tư sản xuất",
                                                                         source: .fund, unit: giver.code, fund: "tro_von"))
                    }
                }
            }
        }

        // Loans: members of poor and near-poor households of the first communes, in every state.
        let candidates = try await store.reviews.vulnerableMembers(actor, year: year).prefix(400)
        var made = 0
        // Job-creation purposes (working abroad is a scheme of its own, with a contract).
        let purposes = (LoanRules.bundled.rule(on: d(1, 15))?.purposes ?? ["chan_nuoi"]).filter { $0 != BorrowerKind.abroadPurpose }
        // A loan is managed by the commune of the borrower's own union (a spouse may be of another).
        let memberUnits = Dictionary(try await store.members.roster(actor).compactMap { m in m.unitID.map { (m.code, $0) } }) { a, _ in a }
        for row in candidates where made < 36 {
            guard let unit = memberUnits[row.memberCode].flatMap(commune(of:)) else { continue }
            // Applications five days apart from the capital's arrival, in date order: a loan is lent
            // from the capital its unit holds on its day, not from repayments that come later.
            let applied = moneyIn.adding(days: 2 + 5 * made)
            let amount = Dong(rng.int(in: 3...10)) * 10_000_000
            let code: String
            do {
                code = try await store.loans.apply(actor, LoanApplication(member: row.memberCode, household: row.householdCode, unit: unit.code,
                                                                           purpose: rng.pick(purposes), jobsPlanned: rng.int(in: 1...3), amount: amount,
                                                                           termMonths: rng.pick([24, 36, 48, 60]), everyMonths: rng.pick([1, 3, 6]), appliedOn: applied))
            } catch is LoanRefused {
                continue
            } catch StorageError.invalid(let m) where m.key == "refusal.loan.member_not_under_unit" {
                continue  // the member was of another commune's union on that day (moved since)
            }
            made += 1
            let kind = made % 9
            if kind == 0 { continue }  // waiting for a decision
            if kind == 1 {
                try await store.loans.reject(actor, code, on: applied.adding(days: 7), note: "Phương án sản xuất chưa khả thi")
                continue
            }
            // A commune whose capital cannot cover it that day leaves the application waiting.
            do { try await store.loans.approve(actor, code, on: applied.adding(days: 10), note: "Đúng đối tượng") } catch StorageError.invalid { continue }
            if kind == 2 { continue }
            let out = applied.adding(days: 20)
            // A commune whose capital is all lent out that day keeps the loan approved, waiting.
            do { try await store.loans.disburse(actor, code, on: out) } catch StorageError.invalid { continue }
            let file = try await store.loans.file(actor, code)
            // Pay on time (most), stop paying at some point (some), or pay it all off early.
            let stopAfter = kind == 3 ? 1 : kind == 4 ? 3 : kind == 5 ? 5 : Int.max
            for (i, instalment) in file.schedule.enumerated() where instalment.due <= today && i < stopAfter {
                try await store.loans.repay(actor, code, on: instalment.due, amount: instalment.principal)
            }
            if kind == 6 {
                let rest = try await store.loans.file(actor, code).outstanding
                if rest > 0 { try await store.loans.repay(actor, code, on: today.adding(days: -20), amount: rest) }
            }
            if kind == 7 { try await store.loans.extend(actor, code, granted: out.adding(months: 7), months: 6, reason: "Thiệt hại do bão số 3") }
            if kind == 3, made > 20 {
                try await store.loans.writeOff(actor, code, on: today.adding(days: -40), reason: "Người vay mất khả năng lao động")
            }
            if out.adding(months: 6) <= today {
                try await store.loans.recordJobs(actor, code, created: max(0, file.jobsPlanned - (kind == 4 ? 1 : 0)), on: out.adding(months: 6))
            }
        }

        // Two campaigns: Tết Sum vầy (the neediest commune's list approved by the province), and
        // Tháng Công nhân (lists proposed, one household taken off, one hardship added).
        let tet = try await store.campaigns.create(actor, NewCampaign(kind: .tet, name: "Tết Sum vầy \(year)", unit: root.code, fund: "xa_hoi", year: year - 1,
                                                                      startsOn: d(1, 5), endsOn: d(2, 10), budget: 400_000_000))
        // The communes with the most poor and near-poor households get the lists.
        let counts = try await store.reviews.rolledUp(actor, year: year - 1, basis: .rebased(onto: today)).totals
        let needy = communes.map { ($0, (counts[$0.id]?.poor ?? 0) + (counts[$0.id]?.nearPoor ?? 0)) }
        let ranked = needy.sorted { ($0.1, $1.0.code) > ($1.1, $0.0.code) }.map(\.0)
        for commune in ranked.prefix(3) { try await store.campaigns.draw(actor, tet, unit: commune.code) }
        // Approved by the province if the budget and the fund cover the first commune's list (a large demo may not).
        let firstList = try await store.campaigns.proposals(actor, tet).filter { p in
            history.ancestry(of: p.unitID, on: today).contains(ranked[0].id) || history.successor(of: p.unitID, on: today).map {
                history.ancestry(of: $0, on: today).contains(ranked[0].id) } == true
        }
        let asked = firstList.filter { $0.state == .proposed }.reduce(0) { $0 + $1.amount }
        let campaign = try await store.campaigns.campaign(actor, tet)
        if asked <= campaign.remaining, asked <= (try await funds.balance(actor, fund: "xa_hoi", unit: root.code)) {
            let province = try await store.simulatedOfficer("\(actor.name)-\(root.code)", role: .provincialOfficer, unitID: root.id)
            try await store.campaigns.approve(province, tet, unit: ranked[0].code, day: d(1, 20))
        }
        let may = try await store.campaigns.create(actor, NewCampaign(kind: .workersMonth, name: "Tháng Công nhân \(year)", unit: root.code, fund: "xa_hoi",
                                                                      year: year, startsOn: d(5, 1), endsOn: d(5, 31), budget: 150_000_000, statuses: [.poor]))
        for commune in ranked.prefix(2) { try await store.campaigns.draw(actor, may, unit: commune.code) }
        let listed = try await store.campaigns.proposals(actor, may)
        if let first = listed.first {
            try await store.campaigns.edit(actor, may, household: first.householdCode, remove: true, reason: "Hộ đã chuyển đi nơi khác")
        }
        let nearPoor = try await store.browse.households(actor, HouseholdFilter(year: year, status: .nearPoor), page: 1, perPage: 1)
        if let near = nearPoor.items.first {
            try await store.campaigns.add(actor, may, household: near.code, amount: 1_000_000, reason: "Chồng mắc bệnh hiểm nghèo")
        }
        try await reports(history: history, tree: tree, root: root, communes: communes)
    }

    /// Annual reports of the last year in every state: the province's deadline (15 January),
    /// grassroots unions' reports accepted, awaiting review, returned, in draft or missing,
    /// and a few commune/ward unions' reports to the province. The first commune (the demo
    /// accounts') has work waiting: its own report in draft, one grassroots union's report to
    /// review; the visitor's grassroots union's report is left to write.
    func reports(history: OrgHistory, tree: OrgTree, root: OrgUnit, communes: [OrgUnit]) async throws {
        let reports = store.reports
        try await reports.setDeadline(actor, unit: root.id, year: year, due: Day(year: year + 1, month: 1, day: 15) ?? Day.endOfYear(year + 1))
        let results = [
            "Rà soát đầy đủ hộ đoàn viên; phối hợp chính quyền hỗ trợ hộ nghèo về y tế, giáo dục, nhà ở. Vận động đoàn viên ủng hộ quỹ Mái ấm Công đoàn.",
            "Giới thiệu đoàn viên vay vốn Quỹ quốc gia về việc làm để chăn nuôi, mở xưởng nhỏ; thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn dịp Tết.",
            "Phối hợp doanh nghiệp giữ việc làm cho đoàn viên thuộc hộ nghèo; hỗ trợ học nghề cho con đoàn viên.",
        ]
        let shortcomings = [
            "Một số hộ chưa có bảo hiểm y tế; nguồn vốn vay còn ít so với nhu cầu.",
            "Thu nhập của đoàn viên lao động phổ thông còn thấp, việc làm chưa ổn định.",
        ]
        let proposals = [
            "Đề nghị tăng nguồn vốn Quỹ quốc gia về việc làm ủy thác qua Công đoàn.",
            "Đề nghị hỗ trợ sửa chữa nhà ở cho đoàn viên thuộc hộ nghèo.",
        ]
        func narrative(_ i: Int) -> ReportNarrative {
            ReportNarrative(results: results[i % results.count], shortcomings: shortcomings[i % shortcomings.count], proposals: proposals[i % proposals.count])
        }
        // In the weeks before the year's end, or before today when the year has not ended (the
        // demo province's latest year may be this one): never a day that has not come.
        let base = min(Day.endOfYear(year), store.today)
        func day(_ offset: Int) -> Day { base.adding(days: offset - 30) }
        var n = 0
        for commune in communes.dropFirst().prefix(3) {
            // A dozen grassroots unions per commune at most: enough for every state on the board
            // without a province of a million households waiting on hundreds of submissions.
            let children = (tree.children[commune.id] ?? []).compactMap { history.units[$0] }.sorted { $0.code < $1.code }.prefix(12)
            for child in children {
                let i = n, state = n % 5  // accepted, submitted, returned, draft, missing
                n += 1
                guard state != 4 else { continue }
                // Each unit's own officer writes and submits; the commune above reviews.
                let writer = try await store.simulatedOfficer("\(actor.name)-\(child.code)", role: .grassrootsOfficer, unitID: child.id)
                try await reports.save(writer, unit: child.id, year: year, narrative: narrative(i))
                guard state != 3 else { continue }
                try await reports.submit(writer, unit: child.id, year: year, on: day(8 + i % 10))
                guard state != 1 else { continue }
                let accept = state == 0
                let reviewer = try await store.simulatedOfficer("\(actor.name)-\(commune.code)", role: .branchOfficer, unitID: commune.id)
                try await reports.review(reviewer, unit: child.id, year: year, accept: accept,
                                         comment: accept ? "" : "Đề nghị bổ sung số hộ được vay vốn và nguyên nhân tái nghèo.", on: day(20))
            }
        }
        // The visitor's commune (the first) has work waiting: its own report in draft, and the
        // report of one of its grassroots unions (not the visitor's) submitted for its review.
        if let first = communes.first {
            let children = (tree.children[first.id] ?? []).compactMap { history.units[$0] }.sorted { $0.code < $1.code }
            if children.count > 1 {
                let other = children[1]
                let writer = try await store.simulatedOfficer("\(actor.name)-\(other.code)", role: .grassrootsOfficer, unitID: other.id)
                try await reports.save(writer, unit: other.id, year: year, narrative: narrative(n))
                try await reports.submit(writer, unit: other.id, year: year, on: day(12))
            }
        }
        for (i, commune) in communes.prefix(3).enumerated() {
            let writer = try await store.simulatedOfficer("\(actor.name)-\(commune.code)", role: .branchOfficer, unitID: commune.id)
            try await reports.save(writer, unit: commune.id, year: year, narrative: narrative(i + 1))
            guard i > 0 else { continue }
            try await reports.submit(writer, unit: commune.id, year: year, on: day(22 + i))
            if i == 1 {
                let province = try await store.simulatedOfficer("\(actor.name)-\(root.code)", role: .provincialOfficer, unitID: root.id)
                try await reports.review(province, unit: commune.id, year: year, accept: true, comment: "", on: day(25))
            }
        }
    }
}
