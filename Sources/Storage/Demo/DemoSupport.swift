import Foundation
import PovertyCore
import SQLKit

/// The demo province's support work in its last review year: money in the funds and
/// allocated down to the commune/ward unions, support for most poor households (so the
/// coverage page has both complete households and gaps), National Employment Fund loans in
/// every state and age, and two campaigns (Tết Sum vầy approved in one commune, Tháng Công
/// nhân still proposed). Everything goes through the same Storage functions as the app.
struct DemoSupport {
    let store: Store
    let seed: UInt64
    let actor: String
    let year = DemoProvince.lastYear

    func build() async throws {
        var rng = SeededRandom(seed: seed ^ 0x5199_9047)
        let history = try await store.units.history()
        let today = Day(year: year, month: 11, day: 30)!
        guard let root = history.unit(code: DemoProvince.rootCode) else { throw StorageError.unknownUnit(DemoProvince.rootCode) }
        let tree = history.tree(on: today)
        let communes = (tree.children[root.id] ?? []).compactMap { history.units[$0] }
            .filter { $0.kind == .communeUnion && !(tree.children[$0.id] ?? []).isEmpty }.sorted { $0.code < $1.code }
        // The plan's target: poor households among members down 70% by 2025 against 2021,
        // frozen on the demo's last day.
        try await store.targets.set(unit: root.code, baselineYear: 2021, targetYear: 2025, reductionPermille: 700,
                                    note: "Kế hoạch 44/KH-LĐLĐ: giảm 70% hộ nghèo đoàn viên so với năm 2021", on: today, actor: actor)
        guard !communes.isEmpty else { return }
        let funds = store.funds
        func d(_ month: Int, _ day: Int) -> Day { Day(year: year, month: month, day: day)! }

        // Money in: a day's wage from members, businesses, the state's employment-fund capital.
        for (fund, amount, from): (String, Dong, String) in [("mai_am", 2_000_000_000, "Doanh nghiệp và đoàn viên trong tỉnh (ủng hộ Mái ấm Công đoàn)"),
                                     ("xa_hoi", 900_000_000, "Đoàn viên đóng góp một ngày lương"),
                                     ("tro_von", 100_000_000 + 20_000_000 * communes.count, "Quỹ trợ vốn Công đoàn tỉnh"),
                                     ("vi_nguoi_ngheo", 150_000_000, "Đoàn viên, CNVCLĐ (tháng cao điểm Vì người nghèo)"),
                                     ("den_on_dap_nghia", 80_000_000, "Đoàn viên, CNVCLĐ"),
                                     ("nef", 1_000_000_000 + 400_000_000 * communes.count, "Ngân hàng Chính sách xã hội – vốn Quỹ quốc gia về việc làm")] {
            try await funds.contribute(fund: fund, unit: root.code, day: d(1, 8), amount: amount, contributor: from, scope: .everything, actor: actor)
        }
        try await funds.disburse(fund: "vi_nguoi_ngheo", unit: root.code, day: d(11, 18), amount: 120_000_000,
                                 note: "Nộp Quỹ \"Vì người nghèo\" Ủy ban MTTQ Việt Nam tỉnh", scope: .everything, actor: actor)
        for commune in communes {
            try await funds.allocate(fund: "tro_von", from: root.code, to: commune.code, day: d(2, 1), amount: 20_000_000,
                                     note: "Phân bổ quỹ trợ vốn", scope: .everything, actor: actor)
            try await funds.allocate(fund: "nef", from: root.code, to: commune.code, day: d(2, 1), amount: 400_000_000,
                                     note: "Giao vốn Quỹ quốc gia về việc làm", scope: .everything, actor: actor)
        }
        try await funds.contribute(fund: "xa_hoi", unit: communes[0].code, day: d(3, 2), amount: 15_000_000, contributor: "Công ty TNHH May Ninh Bình",
                                   scope: .everything, actor: actor)

        // Support for poor households: most get what addresses each deprivation, some only part.
        let catalogue = try await store.support.catalogue()
        let indicators = StandardCatalog.builtIn.indicators
        let poor = try await store.sql.raw("""
            SELECT h.code, r.deprivations, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id
            WHERE r.year = \(bind: year) AND r.status = 'ngheo' ORDER BY r.id LIMIT 2500
            """).all()
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
        for row in poor where rng.chance(850) {
            let code = try row.string("code")
            let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
            guard let giver = commune(of: try row.int("unit_id")) else { continue }
            let deprived = indicators.filter { mask & (1 << UInt64($0.index)) != 0 }.map(\.code)
            let complete = rng.chance(700)
            var given: Set<String> = []
            for (i, indicator) in deprived.enumerated() {
                if !complete && i == deprived.count - 1 { break }
                let options = catalogue.policies(addressing: indicator).filter { !$0.hasPrefix("mai_am") && $0 != "vay_quy_viec_lam" }
                guard !options.isEmpty, !options.contains(where: given.contains) else { continue }
                let policy = rng.pick(options)
                given.insert(policy)
                month = month % 11 + 1
                let day = Day(year: year, month: month, day: 1 + Int(rng.next() % 27))!
                if let (source, name) = sources[policy] {
                    try await store.support.record(NewSupport(household: code, policy: policy, day: day, value: Dong(rng.int(in: 2...30)) * 100_000,
                                                              source: source, sourceName: name, unit: giver.code), scope: .everything, actor: actor)
                } else {
                    // The union's micro-capital fund pays for production support and the like.
                    let value = Dong(rng.int(in: 5...20)) * 100_000
                    if try await funds.balance(fund: "tro_von", unit: giver.code) >= value {
                        try await store.support.record(NewSupport(household: code, policy: policy, day: day, value: value, inKind: "giống, vật tư sản xuất",
                                                                  source: .fund, unit: giver.code, fund: "tro_von"), scope: .everything, actor: actor)
                    }
                }
            }
        }

        // Loans: members of poor and near-poor households of the first communes, in every state.
        let candidates = try await store.sql.raw("""
            SELECT h.code AS household, m.code AS member, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id
            JOIN members m ON m.id = r.member_id
            WHERE r.year = \(bind: year) AND r.status IN ('ngheo', 'can_ngheo') ORDER BY r.id LIMIT 400
            """).all()
        var made = 0
        let purposes = LoanRules.bundled.rule(on: d(1, 15))?.purposes ?? ["chan_nuoi"]
        for row in candidates where made < 36 {
            guard let unit = commune(of: try row.int("unit_id")) else { continue }
            let applied = Day(year: year - 1, month: 1 + made % 12, day: 10)!
            let amount = Dong(rng.int(in: 3...10)) * 10_000_000
            let code: String
            do {
                code = try await store.loans.apply(LoanApplication(member: try row.string("member"), household: try row.string("household"), unit: unit.code,
                                                                    purpose: rng.pick(purposes), jobsPlanned: rng.int(in: 1...3), amount: amount,
                                                                    termMonths: rng.pick([24, 36, 48, 60]), everyMonths: rng.pick([1, 3, 6]), appliedOn: applied),
                                                    scope: .everything, actor: actor)
            } catch is LoanRefused { continue }
            made += 1
            let kind = made % 9
            if kind == 0 { continue }  // waiting for a decision
            if kind == 1 {
                try await store.loans.reject(code, on: applied.adding(days: 7), note: "Phương án sản xuất chưa khả thi", scope: .everything, actor: actor)
                continue
            }
            try await store.loans.approve(code, on: applied.adding(days: 10), note: "Đúng đối tượng", scope: .everything, actor: actor)
            if kind == 2 { continue }
            let out = applied.adding(days: 20)
            try await store.loans.disburse(code, on: out, scope: .everything, actor: actor)
            let file = try await store.loans.file(code, scope: .everything)
            // Pay on time (most), stop paying at some point (some), or pay it all off early.
            let stopAfter = kind == 3 ? 1 : kind == 4 ? 3 : kind == 5 ? 5 : Int.max
            for (i, instalment) in file.schedule.enumerated() where instalment.due <= today && i < stopAfter {
                try await store.loans.repay(code, on: instalment.due, amount: instalment.principal, scope: .everything, actor: actor)
            }
            if kind == 6 {
                let rest = try await store.loans.file(code, scope: .everything).outstanding
                if rest > 0 { try await store.loans.repay(code, on: today.adding(days: -20), amount: rest, scope: .everything, actor: actor) }
            }
            if kind == 7 { try await store.loans.extend(code, granted: out.adding(months: 7), months: 6, reason: "Thiệt hại do bão số 3", scope: .everything, actor: actor) }
            if kind == 3, made > 20 {
                try await store.loans.writeOff(code, on: today.adding(days: -40), reason: "Người vay mất khả năng lao động", scope: .everything, actor: actor)
            }
            if out.adding(months: 6) <= today { try await store.loans.recordJobs(code, created: max(0, file.jobsPlanned - (kind == 4 ? 1 : 0)), scope: .everything, actor: actor) }
        }

        // Two campaigns: Tết Sum vầy (the neediest commune's list approved by the province), and
        // Tháng Công nhân (lists proposed, one household taken off, one hardship added).
        let tet = try await store.campaigns.create(NewCampaign(kind: .tet, name: "Tết Sum vầy \(year)", unit: root.code, fund: "xa_hoi", year: year - 1,
                                                               startsOn: d(1, 5), endsOn: d(2, 10), budget: 400_000_000),
                                                   scope: .everything, actor: actor)
        // The communes with the most poor and near-poor households get the lists.
        var needy: [(OrgUnit, Int)] = []
        for commune in communes {
            var query: SQLQueryString = "SELECT COUNT(*) AS n FROM reviews WHERE year = \(bind: year - 1) AND status IN ('ngheo', 'can_ngheo')"
            _ = Scope.today(of: commune.id, in: history, on: today).append(to: &query, column: "unit_id")
            needy.append((commune, try await store.sql.raw(query).first()?.int("n") ?? 0))
        }
        let ranked = needy.sorted { ($0.1, $1.0.code) > ($1.1, $0.0.code) }.map(\.0)
        for commune in ranked.prefix(3) { try await store.campaigns.draw(tet, unit: commune.code, scope: .everything, actor: actor) }
        // Approved if the budget and the fund cover the first commune's list (a large demo may not).
        let firstList = try await store.campaigns.proposals(tet, scope: Scope.today(of: ranked[0].id, in: history, on: d(1, 20)))
        let asked = firstList.filter { $0.state == .proposed }.reduce(0) { $0 + $1.amount }
        let campaign = try await store.campaigns.campaign(tet)
        if asked <= campaign.remaining, asked <= (try await funds.balance(fund: "xa_hoi", unit: root.code)) {
            try await store.campaigns.approve(tet, unit: ranked[0].code, day: d(1, 20), scope: .everything, approverUnitID: root.id, actor: actor)
        }
        let may = try await store.campaigns.create(NewCampaign(kind: .workersMonth, name: "Tháng Công nhân \(year)", unit: root.code, fund: "xa_hoi",
                                                               year: year, startsOn: d(5, 1), endsOn: d(5, 31), budget: 150_000_000, statuses: [.poor]),
                                                   scope: .everything, actor: actor)
        for commune in ranked.prefix(2) { try await store.campaigns.draw(may, unit: commune.code, scope: .everything, actor: actor) }
        let listed = try await store.campaigns.proposals(may, scope: .everything)
        if let first = listed.first {
            try await store.campaigns.edit(may, household: first.householdCode, remove: true, reason: "Hộ đã chuyển đi nơi khác",
                                           scope: .everything, actor: actor)
        }
        if let near = try await store.sql.raw("""
            SELECT h.code FROM reviews r JOIN households h ON h.id = r.household_id
            WHERE r.year = \(bind: year) AND r.status = 'can_ngheo' ORDER BY r.id LIMIT 1
            """).first() {
            try await store.campaigns.add(may, household: try near.string("code"), amount: 1_000_000, reason: "Chồng mắc bệnh hiểm nghèo",
                                          scope: .everything, actor: actor)
        }
        try await reports(history: history, tree: tree, root: root, communes: communes)
    }

    /// Annual reports of the last year in every state: the province's deadline (15 January),
    /// grassroots unions' reports accepted, awaiting review, returned, in draft or missing,
    /// and a few commune/ward unions' reports to the province. The first commune's
    /// grassroots unions (the demo accounts') are left to the visitor.
    func reports(history: OrgHistory, tree: OrgTree, root: OrgUnit, communes: [OrgUnit]) async throws {
        let reports = store.reports
        try await reports.setDeadline(unit: root.id, year: year, due: Day(year: year + 1, month: 1, day: 15)!, scope: .everything, actor: actor)
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
        func day(_ offset: Int) -> Day { Day(year: year, month: 12, day: 1)!.adding(days: offset) }
        var n = 0
        for commune in communes.dropFirst().prefix(3) {
            // A dozen grassroots unions per commune at most: enough for every state on the board
            // without a province of a million households waiting on hundreds of submissions.
            let children = (tree.children[commune.id] ?? []).compactMap { history.units[$0] }.sorted { $0.code < $1.code }.prefix(12)
            for child in children {
                let i = n, state = n % 5  // accepted, submitted, returned, draft, missing
                n += 1
                guard state != 4 else { continue }
                let scope = Scope.today(of: child.id, in: history, on: day(10))
                // Each unit's own officer writes and submits; the commune above reviews.
                let writer = "\(actor)-\(child.code)"
                try await reports.save(unit: child.id, year: year, narrative: narrative(i), scope: scope, actorUnit: child.id, actor: writer)
                guard state != 3 else { continue }
                try await reports.submit(unit: child.id, year: year, on: day(8 + i % 10), scope: scope, actorUnit: child.id, actor: writer, history: history)
                guard state != 1 else { continue }
                let accept = state == 0
                try await reports.review(unit: child.id, year: year, accept: accept,
                                         comment: accept ? "" : "Đề nghị bổ sung số hộ được vay vốn và nguyên nhân tái nghèo.",
                                         on: day(20), reviewerUnitID: commune.id, scope: .everything, actor: actor, history: history)
            }
        }
        for (i, commune) in communes.prefix(3).enumerated() {
            let scope = Scope.today(of: commune.id, in: history, on: day(20))
            let writer = "\(actor)-\(commune.code)"
            try await reports.save(unit: commune.id, year: year, narrative: narrative(i + 1), scope: scope, actorUnit: commune.id, actor: writer)
            guard i < 2 else { continue }
            try await reports.submit(unit: commune.id, year: year, on: day(22 + i), scope: scope, actorUnit: commune.id, actor: writer, history: history)
            if i == 0 {
                try await reports.review(unit: commune.id, year: year, accept: true, comment: "", on: day(25), reviewerUnitID: root.id,
                                         scope: .everything, actor: actor, history: history)
            }
        }
    }
}
