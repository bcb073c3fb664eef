import ArgumentParser
import Foundation
import Storage

/// `giamngheo check-rollups`: recomputes every kept count from the raw rows and lists any
/// difference (there must be none); `--repair` counts everything again.
struct CheckRollupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-rollups",
        abstract: "Tính lại mọi số tổng hợp từ dữ liệu gốc và báo chỗ lệch / Recompute every kept count from the raw rows and report differences.",
        discussion: """
        Số hộ theo đơn vị × năm × phân loại, biến động giữa hai năm (thoát nghèo, rơi vào nghèo, tái nghèo, ra khỏi danh sách) \
        và số dư quỹ so với sổ. Có chỗ lệch thì thoát với mã 65 / Households per unit × year × class, the moves between years \
        and fund balances against their ledgers; exit status 65 when anything differs.
        """)

    @Flag(help: "Tính lại toàn bộ số tổng hợp (ghi nhật ký) / Count everything again (audited).")
    var repair = false
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await db.withStore { store, actor in
            let started = Date()
            let differences = try await store.rollups.check(actor)
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            guard !differences.isEmpty else {
                print("không có chỗ lệch / no differences (\(seconds) s)")
                return
            }
            for line in differences { print(line) }
            if repair {
                try await store.rollups.rebuild(actor)
                let left = try await store.rollups.check(actor)
                Terminal.error("đã tính lại; còn \(left.count) chỗ lệch / counted again; \(left.count) differences left")
                if left.isEmpty { return }
            }
            Terminal.error("\(differences.count) chỗ lệch / differences")
            throw Exit.dataError
        }
    }
}
