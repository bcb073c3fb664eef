import ArgumentParser
import Foundation
import PovertyCore
import Storage

/// `giamngheo target set|show`: targets as data, with their frozen baselines.
struct TargetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: "Mục tiêu giảm hộ nghèo / Poverty-reduction targets.",
        subcommands: [Set.self, Show.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Đặt mục tiêu cho nhánh của một đơn vị; số hộ năm gốc được chốt hôm nay / Set a branch's target; the baseline is frozen today.")
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(name: .customLong("baseline-year"), help: "Năm gốc / Baseline review year.") var baselineYear: Int
        @Option(name: .customLong("target-year"), help: "Năm mục tiêu / Target year.") var targetYear: Int
        @Option(help: "Giảm bao nhiêu phần trăm, vd. 70 hoặc 2,5 / Reduction in percent, e.g. 70 or 2.5.") var reduction: String?
        @Option(help: "Hoặc: số hộ nghèo tối đa năm mục tiêu / Or: at most this many poor households.") var level: Int?
        @Option(help: "Ghi chú (căn cứ) / Note (the plan it comes from).") var note: String = ""
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard (reduction == nil) != (level == nil) else { throw ValidationError("ghi --reduction hoặc --level / give --reduction or --level") }
            if let r = reduction, Self.permille(r) == nil { throw ValidationError("--reduction '\(r)': một số phần trăm, vd. 70 / a percentage, e.g. 70") }
        }

        /// "70" → 700, "2,5" or "2.5" → 25.
        static func permille(_ text: String) -> Int? {
            let parts = text.replacingOccurrences(of: ",", with: ".").split(separator: ".", omittingEmptySubsequences: false)
            guard let whole = Int(parts[0]), parts.count <= 2 else { return nil }
            guard parts.count == 2 else { return whole * 10 }
            guard parts[1].count == 1, let tenth = Int(parts[1]) else { return nil }
            return whole * 10 + tenth
        }

        func run() async throws {
            try await db.withStore { store, actor in
                let targetID = try await store.targets.set(actor, unit: unit, baselineYear: baselineYear, targetYear: targetYear,
                                                           reductionPermille: reduction.flatMap(Self.permille), level: level, note: note, on: store.today)
                let fresh = try await store.operator(actor.name)
                // The target just set (a branch may have others, for other years).
                guard let id = fresh.history.unit(code: unit)?.id,
                      let p = try await store.targets.progress(fresh, of: id).first(where: { $0.target.id == targetID }) else { return }
                print("\(unit): gốc / baseline \(p.path.baselineYear) = \(p.path.baseline) hộ, mục tiêu / goal \(p.path.targetYear) = \(p.path.goal) hộ")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mục tiêu áp dụng cho một đơn vị, lộ trình và tiến độ / The target of a unit's branch, its path and progress.")
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withStore { store, actor in
                let history = actor.history
                guard let id = history.unit(code: unit)?.id else { throw StorageError.notFound(.unit, unit) }
                let progress = try await store.targets.progress(actor, of: id)
                if progress.isEmpty { print("chưa có mục tiêu / no target"); return }
                for p in progress {
                    let owner = history.units[p.target.unitID]?.code ?? "?"
                    print("mục tiêu của / target of \(owner) (chốt gốc / frozen \(p.target.frozenOn.vietnamese)) \(p.target.note)")
                    print("năm / year  lộ trình / path")
                    for year in p.path.baselineYear...p.path.targetYear { print("\(year)        \(p.path.expected(in: year))") }
                    if let y = p.latestYear, let n = p.latest {
                        let course = p.onCourse.map { $0 ? "đúng lộ trình / on course" : "chậm lộ trình / behind the path" }
                            ?? (p.baselineDivided
                                ? "số năm gốc gồm phần của đơn vị đã chia tách, không so / the baseline holds a split unit's count, not compared"
                                : "khác chuẩn nghèo năm gốc, không so / another standard than the baseline's, not compared")
                        print("năm \(y): \(n) hộ nghèo / poor; \(course)")
                    }
                }
            }
        }
    }
}
