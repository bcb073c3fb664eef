import Documents
import Foundation
import PovertyCore
import Storage

/// The official documents giamngheo writes, in the layout of Decree 30/2020/NĐ-CP and the
/// trade union's rule 933/QĐ-TLĐ: the issuing body under its parent, the national title and
/// motto, number, place and date, kind and subject, body, "Nơi nhận" and the signature.
/// Documents are in Vietnamese, whatever the page language: they are filed and signed.
enum ReportDocuments {
    /// Who issues a unit's documents and how they are headed.
    struct Issuer {
        let parentBody: String
        let issuingBody: String
        let symbol: String
        let place: String
        let signature: Signature
        let parentName: String?
    }

    static func upper(_ s: String) -> String { s.uppercased(with: Locale(identifier: "vi_VN")) }

    static func issuer(_ unitID: Int, history: OrgHistory, on today: Day) -> Issuer {
        // An ended unit's letterhead is of the tree it last stood in.
        let day = history.lastStanding(of: unitID, on: today)
        let name = unitName(unitID, history, day)
        let kind = history.units[unitID]?.kind
        let parent = history.parent(of: unitID, on: day)
        let parentName = parent.map { unitName($0, history, day) }
        let federation = kind == .provincialFederation || kind == .districtFederation
        let root = history.ancestry(of: unitID, on: day).last ?? unitID
        return Issuer(
            parentBody: parentName.map(upper) ?? "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
            issuingBody: upper(name),
            symbol: federation ? "LĐLĐ" : "CĐ",
            place: place(of: unitName(root, history, day)),
            signature: Signature(authority: federation ? "TM. BAN THƯỜNG VỤ" : "TM. BAN CHẤP HÀNH", position: "CHỦ TỊCH", name: "……………………………"),
            parentName: parentName)
    }

    /// "tỉnh" or "thành phố": the kind of province a federation's name says it is (Hà Nội,
    /// Hải Phòng… are cities), for the People's Committee and the Party committee it writes to.
    static func provinceKind(of provinceName: String) -> (level: String, partyCommittee: String) {
        provinceName.hasPrefix("Liên đoàn Lao động thành phố ") || provinceName.hasPrefix("LĐLĐ thành phố ")
            ? ("thành phố", "Thành ủy") : ("tỉnh", "Tỉnh ủy")
    }

    /// "Liên đoàn Lao động tỉnh Ninh Bình" → "Ninh Bình" (the place in the date line).
    static func place(of provinceName: String) -> String {
        for prefix in ["Liên đoàn Lao động tỉnh ", "Liên đoàn Lao động thành phố ", "LĐLĐ tỉnh ", "LĐLĐ thành phố "]
        where provinceName.hasPrefix(prefix) {
            return String(provinceName.dropFirst(prefix.count))
        }
        return provinceName
    }

    /// The jobs the loans created: in the year, and since the first loan (figures frozen before
    /// the year's count was kept have the running total only).
    static func jobs(_ f: ReportFigures) -> String {
        let n = { Format.number($0, .vi) }
        guard let inYear = f.jobsCreatedInYear else { return "tạo việc làm cho \(n(f.jobsCreated)) lao động (lũy kế)" }
        // A recount lower than the year before is said as the decrease it is.
        return inYear >= 0 ? "trong năm tạo việc làm cho \(n(inYear)) lao động (lũy kế \(n(f.jobsCreated)))"
                           : "số việc làm đếm lại trong năm giảm \(n(-inYear)) (lũy kế \(n(f.jobsCreated)))"
    }

    /// How many poor households got every policy they need ("no poor household" rather than
    /// "0/0 (–)", as the report's page says: `ReportFigureText`).
    static func coverage(_ f: ReportFigures) -> String {
        guard f.coveragePoor > 0 else { return "không có hộ nghèo cần hỗ trợ chính sách" }
        return "\(Format.number(f.coverageComplete, .vi))/\(Format.number(f.coveragePoor, .vi)) hộ nghèo "
            + "(\(Format.percent(f.coverageComplete, f.coveragePoor, .vi))) được hỗ trợ đủ các chính sách theo nhu cầu"
    }

    /// An amount in a document's sentence: the number and "đ" never part at a line's end.
    static func money(_ d: Dong) -> String { Format.number(d, .vi) + "\u{00A0}đ" }

    /// The first year of a standard: the moves compare nothing (one sentence for every document).
    static func notCompared(_ f: ReportFigures) -> String {
        let previous = f.previousYear.map { " (năm \($0))" } ?? ""
        let why: String
        switch f.notComparedBecause {
        case .noPreviousRound: why = ": chưa có kỳ rà soát nào trước năm \(f.year)"
        case .noneReviewedPrevious: why = ": kỳ rà soát trước\(previous) không có hộ nào của đơn vị được rà soát"
        case .noneReviewedThisYear: why = ": năm \(f.year) chưa có hộ nào của đơn vị được rà soát"
        case .newStandard: why = ": năm \(f.year) là năm đầu rà soát theo chuẩn nghèo mới, kỳ trước\(previous) theo chuẩn khác"
        case nil: why = ""  // figures frozen before the reason was kept
        }
        return "Không so sánh số hộ thoát nghèo, phát sinh mới, tái nghèo với kỳ trước\(why)."
    }

    static func date(_ day: Day) -> DocumentDate { DocumentDate(day: day.day, month: day.month, year: day.year) }

    static func paragraphs(_ text: String, empty: String) -> [Block] {
        let parts = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return parts.isEmpty ? [.paragraph(empty)] : parts.map { .paragraph($0) }
    }

    /// A unit's annual report: figures, support by policy, funds and loans, and its narrative;
    /// headed and dated as on `dated` (the day it was sent, once it has been).
    static func annualReport(unitID: Int, year: Int, figures f: ReportFigures, narrative: ReportNarrative,
                             status: AnnualReportStatus?, history: OrgHistory, dated: Day) -> OfficialDocument {
        let who = issuer(unitID, history: history, on: dated)
        let n = { Format.number($0, .vi) }
        let money = { Self.money($0) }
        let pct = { Format.percent($0, $1, .vi) }
        let moved = { (x: Int) in f.movesCompared ? n(x) : "–" }
        var body: [Block] = [
            .heading("I. KẾT QUẢ THỰC HIỆN"),
            .heading("1. Kết quả rà soát hộ nghèo, hộ cận nghèo trong đoàn viên", level: 2),
            .table(Documents.Table(
                columns: [.init("Chỉ tiêu", width: 4), .init("Năm \(f.previousYear ?? year - 1)", width: 1.3, alignment: .right),
                          .init("Năm \(year)", width: 1.3, alignment: .right)],
                rows: [
                    ["Số hộ đoàn viên được rà soát", f.previousHouseholds.map(n) ?? "", n(f.households)],
                    ["Hộ nghèo", n(f.previousPoor), n(f.poor)],
                    ["Tỷ lệ hộ nghèo", f.previousHouseholds.map { pct(f.previousPoor, $0) } ?? "", pct(f.poor, f.households)],
                    ["Hộ cận nghèo", n(f.previousNearPoor), n(f.nearPoor)],
                    ["Tỷ lệ hộ cận nghèo", f.previousHouseholds.map { pct(f.previousNearPoor, $0) } ?? "", pct(f.nearPoor, f.households)],
                    ["Hộ thoát nghèo trong năm", "", moved(f.escaped)],
                    ["Hộ nghèo phát sinh mới", "", moved(f.newlyPoor)],
                    ["Hộ tái nghèo", "", moved(f.fellBack)],
                    ["Hộ nghèo không còn trong danh sách", "", moved(f.left)],
                ])),
        ] + (f.movesCompared ? [] : [.paragraph(Self.notCompared(f))]) + [
            .heading("2. Hỗ trợ hộ nghèo theo chính sách", level: 2),
            .paragraph("Năm \(year), các đơn vị trong nhánh đã hỗ trợ \(n(f.supportHouseholds)) hộ \(n(f.supportRecords)) lượt, tổng giá trị \(money(f.supportValue)); "
                       + Self.coverage(f) + "."),
        ]
        if !f.supportByPolicy.isEmpty {
            body.append(.table(Documents.Table(
                columns: [.init("Chính sách", width: 4), .init("Số hộ", width: 1, alignment: .right),
                          .init("Số lượt", width: 1, alignment: .right), .init("Giá trị (đồng)", width: 1.6, alignment: .right)],
                rows: f.supportByPolicy.map { Documents.Table.Row([$0.nameVi, n($0.households), n($0.records), n($0.value)]) }
                    + [Documents.Table.Row(["Tổng cộng", n(f.supportHouseholds), n(f.supportRecords), n(f.supportValue)], bold: true)])))
        }
        body += [
            .heading("3. Quỹ hỗ trợ và vốn vay Quỹ quốc gia về việc làm", level: 2),
            .bullets([
                "Quỹ hỗ trợ: đầu năm \(money(f.fundsOpening)); vận động trong năm \(money(f.fundsRaised)); phân bổ nhận (thuần) \(money(f.fundsReceived)); đã chi hỗ trợ \(money(f.fundsSpent)); cuối năm \(money(f.fundsClosing)).",
                "Vốn vay: giải ngân \(n(f.loansDisbursed)) món, \(money(f.loansDisbursedAmount)); thu hồi \(money(f.loansRepaid)); dư nợ cuối năm \(n(f.loansActive)) món, \(money(f.loansOutstanding)); nợ quá hạn \(money(f.loansOverdue)); \(Self.jobs(f)).",
            ] + (f.proposals.map {
                ["Danh sách đoàn viên, người lao động là hộ nghèo, cận nghèo, có hoàn cảnh khó khăn đề xuất hỗ trợ: \(n($0.total)) hộ; trong đó \(n($0.hardship)) có hoàn cảnh khó khăn, \(n($0.added)) đề xuất vì hoàn cảnh khó khăn (không thuộc hộ nghèo, cận nghèo)."]
            } ?? [])),
            .heading("4. Đánh giá chung", level: 2),
        ]
        body += paragraphs(narrative.results, empty: "(Chưa có nội dung.)")
        body.append(.heading("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
        body += paragraphs(narrative.shortcomings, empty: "(Chưa có nội dung.)")
        body.append(.heading("III. ĐỀ XUẤT, KIẾN NGHỊ"))
        body += paragraphs(narrative.proposals, empty: "(Chưa có nội dung.)")
        body.append(.note("Số liệu tính đến \(Format.date(f.computedAt)) từ sổ theo dõi giảm nghèo"
                          + (status == .accepted ? "; báo cáo đã được cấp trên chấp nhận." : status == .submitted ? "; đã gửi cấp trên." : "; bản dự thảo.")))
        return OfficialDocument(
            parentBody: who.parentBody, issuingBody: who.issuingBody, number: "Số:       /BC-\(who.symbol)", place: who.place,
            date: date(dated), kind: "BÁO CÁO",
            subject: "Kết quả thực hiện công tác giảm nghèo bền vững trong đoàn viên, người lao động năm \(year)",
            body: body,
            recipients: (who.parentName.map { ["\($0) (để báo cáo);"] } ?? []) + ["Lưu: VT."],
            signature: who.signature)
    }

    /// The standard tables of a branch as one landscape document.
    static func standardTables(unitID: Int, year: Int, tables: [ReportTable], history: OrgHistory, today: Day) -> OfficialDocument {
        let who = issuer(unitID, history: history, on: today)
        var body: [Block] = []
        for (i, t) in tables.enumerated() {
            if i > 0 { body.append(.pageBreak) }
            body += TableRendering.blocks(t)
        }
        return OfficialDocument(
            parentBody: who.parentBody, issuingBody: who.issuingBody, number: "Số:       /BC-\(who.symbol)", place: who.place,
            date: date(today), kind: "BIỂU TỔNG HỢP",
            subject: "Kết quả rà soát hộ nghèo, hộ cận nghèo trong đoàn viên năm \(year) — \(unitName(unitID, history, today))",
            body: body, recipients: ["Lưu: VT."], signature: who.signature, landscape: true)
    }

    /// Everything the provincial summary needs, gathered by `ProvincialSummary.make`.
    struct Summary {
        let unitID: Int
        let year: Int
        let figures: ReportFigures
        let board: ReportingRate
        let branchBoard: ReportingRate
        let profiles: ReportTable?
        /// The profiles behind `profiles`, for the charts.
        let profileSet: (standard: PovertyStandard, units: [UnitPovertyProfile], total: UnitPovertyProfile)?
        let targets: [TargetProgress]
        /// Accepted reports of the units directly below: unit name, narrative and the figures
        /// frozen when they were submitted.
        let accepted: [(unit: String, narrative: ReportNarrative, figures: ReportFigures?)]
        /// The Alkire–Foster view with each indicator's contribution.
        let indicatorProfiles: ReportTable?

        /// The accepted reports' own figures, one row per unit and their total: what the
        /// units reported, beside the registry's figures for the whole province.
        var acceptedTable: ReportTable {
            let columns = [
                ReportColumn("ra_soat", "Hộ rà soát", "Reviewed"), ReportColumn("ngheo", "Hộ nghèo", "Poor"),
                ReportColumn("can_ngheo", "Hộ cận nghèo", "Near-poor"), ReportColumn("thoat_ngheo", "Thoát nghèo", "Escaped"),
                ReportColumn("ho_tro", "Lượt hỗ trợ", "Support records"), ReportColumn("gia_tri", "Giá trị hỗ trợ (đồng)", "Support value (đồng)"),
                ReportColumn("van_dong", "Quỹ vận động (đồng)", "Funds raised (đồng)"), ReportColumn("du_no", "Dư nợ vay vốn (đồng)", "Loans outstanding (đồng)"),
            ]
            // A report whose year compares nothing (`movesCompared`) has no escaped count: "–",
            // and the total of that column adds only the reports that have one.
            func cells(_ f: [Int], compared: Bool = true) -> [ReportValue] {
                [.count(f[0]), .count(f[1]), .count(f[2]), compared ? .count(f[3]) : .text("–"), .count(f[4]), .money(f[5]), .money(f[6]), .money(f[7])]
            }
            var total = [Int](repeating: 0, count: 8)
            var rows: [ReportRow] = []
            for (unit, _, figures) in accepted {
                guard let f = figures else { continue }
                let v = [f.households, f.poor, f.nearPoor, f.movesCompared ? f.escaped : 0, f.supportRecords, f.supportValue, f.fundsRaised, f.loansOutstanding]
                for i in v.indices { total[i] += v[i] }
                rows.append(ReportRow(key: unit, label: ReportText(unit, unit), cells: cells(v, compared: f.movesCompared)))
            }
            rows.insert(ReportRow(key: "tong", label: ReportText("Tổng các báo cáo đã chấp nhận", "Total of the accepted reports"),
                                  cells: cells(total), kind: .total), at: 0)
            return ReportTable(number: nil, title: ReportText("Số liệu theo các báo cáo đã được chấp nhận", "Figures of the accepted reports"),
                               subtitle: ReportText("Số liệu chốt khi đơn vị gửi báo cáo năm \(year)", "Figures frozen when each unit submitted its \(year) report"),
                               labelHeader: ReportText("Đơn vị", "Unit"), columns: columns, rows: rows,
                               notes: [ReportText("Đơn vị chưa có báo cáo được chấp nhận không có trong bảng; số liệu ở mục I lấy từ sổ theo dõi.",
                                                  "Units without an accepted report are not in the table; the province's figures in part I come from the registry.")])
        }
    }

    /// The federation's summary to the Provincial People's Committee.
    static func provincialSummary(_ s: Summary, history: OrgHistory, today: Day) -> OfficialDocument {
        let who = issuer(s.unitID, history: history, on: today)
        let province = provinceKind(of: unitName(s.unitID, history, today))
        let f = s.figures
        let n = { Format.number($0, .vi) }
        let pct = { Format.percent($0, $1, .vi) }
        var body: [Block] = [
            .paragraph("Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững và Kế hoạch của Liên đoàn Lao động \(province.level), "
                       + "\(unitName(s.unitID, history, today)) báo cáo kết quả giảm nghèo trong đoàn viên, người lao động năm \(s.year) như sau:"),
            .heading("I. KẾT QUẢ RÀ SOÁT VÀ GIẢM NGHÈO"),
            .paragraph("Năm \(s.year), \(n(f.households)) hộ đoàn viên được rà soát; \(n(f.poor)) hộ nghèo "
                       + "(tỷ lệ hộ nghèo \(pct(f.poor, f.households))"
                       // The classes count income too; Alkire–Foster's q and H count deprivations only.
                       + (s.profiles == nil ? "), " : "; mục II tính riêng số hộ thiếu hụt từ 3 chỉ số trở lên, không xét thu nhập), ")
                       + "\(n(f.nearPoor)) hộ cận nghèo (\(pct(f.nearPoor, f.households))). "
                       + (f.movesCompared
                          ? "So với năm \(f.previousYear ?? s.year - 1) (\(n(f.previousPoor)) hộ nghèo): "
                            + "\(n(f.escaped)) hộ thoát nghèo, \(n(f.newlyPoor)) hộ nghèo phát sinh mới, \(n(f.fellBack)) hộ tái nghèo."
                          : Self.notCompared(f))),
        ]
        for t in s.targets {
            let goal = t.path.goal
            let latest = t.latest.map(n) ?? "–"
            let course = t.onCourse.map { $0 ? "đúng lộ trình" : "chậm so với lộ trình" }
                ?? (t.latest == nil ? "chưa có số liệu"
                    : t.baselineDivided ? "không so với mục tiêu (số năm gốc của đơn vị đã chia tách không chia được cho từng phần)"
                    : "không so với mục tiêu (khác chuẩn nghèo)")
            // Like with like: a count under another standard than the baseline's is said to be so.
            let catalog = StandardCatalog.builtIn
            let baseStandard = catalog.standard(forReviewYear: t.target.baselineYear)
            let nowStandard = t.latestYear.flatMap { catalog.standard(forReviewYear: $0) }
            var sentence = "Mục tiêu đến năm \(t.target.targetYear): gốc năm \(t.target.baselineYear) \(n(t.path.baseline)) hộ nghèo, "
                + "cần đạt không quá \(n(goal)) hộ; hiện nay (năm \(t.latestYear.map(String.init) ?? "–")) \(latest) hộ — \(course)."
            // The target counts the branch on today's tree, as its frozen baseline does: a unit
            // dissolved without a successor is in neither, though part I counts its reviews.
            if t.unitID == s.unitID, t.latestYear == s.year, let l = t.latest, l != f.poor {
                sentence += " Số hiện nay theo mục tiêu không tính \(n(f.poor - l)) hộ nghèo rà soát năm \(s.year) ở đơn vị đã giải thể"
                    + " không có đơn vị kế thừa (mục I tính cả các hộ này), như số năm gốc không tính các đơn vị đó."
            }
            if let b = baseStandard, let c = nowStandard, b.code != c.code {
                sentence += " Lưu ý: số năm gốc tính theo \(b.nameVi.prefix(1).lowercased() + b.nameVi.dropFirst()), số hiện nay theo "
                    + "\(c.nameVi.prefix(1).lowercased() + c.nameVi.dropFirst()); hai chuẩn khác nhau nên hai số không so sánh trực tiếp được."
            }
            body.append(.bullets([sentence]))
        }
        if let profiles = s.profiles {
            body.append(.heading("II. NGHÈO ĐA CHIỀU THEO ĐƠN VỊ (PHƯƠNG PHÁP ALKIRE–FOSTER)"))
            body.append(.paragraph("H: tỷ lệ hộ nghèo đa chiều; A: mức độ thiếu hụt bình quân của hộ nghèo; M0 = H × A: chỉ số nghèo đa chiều; "
                                   + "các cột còn lại: đóng góp của từng chiều thiếu hụt vào M0 (bảng sau: của từng chỉ số)."))
            // The wide tables on landscape pages of their own; the text stays portrait.
            var wide = TableRendering.blocks(profiles)
            if let byIndicator = s.indicatorProfiles { wide += TableRendering.blocks(byIndicator) }
            body.append(.landscape(wide))
        }
        body.append(.heading("III. HỖ TRỢ, QUỸ VÀ VỐN VAY"))
        body.append(.bullets([
            "\(n(f.supportHouseholds)) hộ được hỗ trợ \(n(f.supportRecords)) lượt, giá trị \(Self.money(f.supportValue)); "
                + Self.coverage(f) + ".",
            "Quỹ hỗ trợ vận động trong năm \(Self.money(f.fundsRaised)), đã chi \(Self.money(f.fundsSpent)), số dư cuối năm \(Self.money(f.fundsClosing)).",
            "Vốn vay Quỹ quốc gia về việc làm: dư nợ \(Self.money(f.loansOutstanding)) (\(n(f.loansActive)) món), nợ quá hạn \(Self.money(f.loansOverdue)), \(Self.jobs(f)).",
        ]))
        body.append(.heading("IV. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ"))
        body.append(.paragraph("Các đơn vị trực thuộc: \(n(s.board.accepted))/\(n(s.board.expected)) báo cáo đã được chấp nhận (\(pct(s.board.accepted, s.board.expected))); "
                               + "toàn hệ thống: \(n(s.branchBoard.accepted))/\(n(s.branchBoard.expected)) (\(pct(s.branchBoard.accepted, s.branchBoard.expected)))."))
        body += TableRendering.blocks(s.board.table(history: history, year: s.year))
        if s.accepted.contains(where: { $0.figures != nil }) { body.append(.landscape(TableRendering.blocks(s.acceptedTable))) }
        let proposals = s.accepted.filter { !$0.narrative.proposals.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        body.append(.heading("V. ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ"))
        body.append(proposals.isEmpty ? .paragraph("Chưa có báo cáo được chấp nhận nêu đề xuất.")
                                      : .bullets(proposals.map { "\($0.unit): \($0.narrative.proposals.replacingOccurrences(of: "\n", with: " "))" }))
        body.append(.note("Số liệu từ sổ theo dõi giảm nghèo và các báo cáo đã được chấp nhận, tính đến \(today.vietnamese)."))
        return OfficialDocument(
            parentBody: who.parentBody, issuingBody: who.issuingBody, number: "Số:       /BC-\(who.symbol)", place: who.place,
            date: date(today), kind: "BÁO CÁO",
            subject: "Tổng hợp kết quả thực hiện giảm nghèo bền vững trong đoàn viên, người lao động năm \(s.year)",
            addressees: ["Ủy ban nhân dân \(province.level) \(who.place)"],
            body: body, recipients: ["Như trên;", "Thường trực \(province.partyCommittee) (để báo cáo);", "Lưu: VT, CSPL."], signature: who.signature,
            landscape: false)
    }
}
