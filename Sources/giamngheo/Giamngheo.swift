import Foundation
import ArgumentParser

/// The process: files it writes (backups, report files, uploads, classified surveys, a new
/// SQLite database) hold personal data, so they are created readable by their owner only.
@main
enum Entry {
    static func main() async {
        umask(0o077)
        await Giamngheo.main()
    }
}

struct Giamngheo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "giamngheo",
        abstract: "Giảm nghèo bền vững trong đoàn viên công đoàn / Sustainable poverty reduction among union members.",
        discussion: """
        Phân loại hộ theo chuẩn nghèo đa chiều và tổng hợp kết quả rà soát hằng năm.
        Classifies households by the multidimensional poverty standard and summarises annual reviews.
        """,
        subcommands: [ServeCommand.self, UserCommand.self, ClassifyCommand.self, SummaryCommand.self, StandardsCommand.self, DemoSurveyCommand.self,
                      MigrateCommand.self, ImportCommand.self, DemoCommand.self, TreeCommand.self, UnitCommand.self, SearchCommand.self, HouseholdCommand.self, RegistryCommand.self,
                      PolicyCommand.self, SupportCommand.self, CoverageCommand.self, FundCommand.self, LoanCommand.self, CampaignCommand.self,
                      CheckRollupsCommand.self, TargetCommand.self, ReportCommand.self, BackupCommand.self, RestoreCommand.self]
    )
}

/// Exit statuses, as in sysexits.h and `survey-format.md`.
enum Exit {
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    static let cannotWrite = ExitCode(73)
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json
}
