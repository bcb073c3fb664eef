import Foundation
import PovertyCore
import Spreadsheets
import Storage
import Vapor

struct ImportFormsBody: Encodable {
    let maySurvey: Bool
    let mayMembers: Bool
    let mayUnits: Bool
    let error: String?
}

/// Survey, member and unit files from the browser: upload, preview with every problem by row
/// and column, confirm, progress, result. Imports are all or nothing.
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("import", use: forms)
        routes.on(.POST, "import", ":kind", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.maxBody)), use: upload)
        routes.get("import", "jobs", ":id", use: show)
        routes.get("import", "jobs", ":id", "status", use: status)
        routes.post("import", "jobs", ":id", "confirm", use: confirm)
        routes.get("templates", ":file", use: template)
    }

    /// Who may import what is Storage's rule (each importer enforces it too).
    private func permissions(_ user: CurrentUser) -> (survey: Bool, members: Bool, units: Bool) {
        let may = user.permissions
        return (may.allows(.importSurvey), may.allows(.importMembers), may.allows(.changeTree))
    }

    private func allowed(_ kind: ImportKind, _ user: CurrentUser) -> Bool {
        let p = permissions(user)
        switch kind {
        case .survey: return p.survey
        case .members: return p.members
        case .units: return p.units
        }
    }

    func forms(req: Request) async throws -> Response {
        try await renderForms(req, error: nil, status: .ok)
    }

    private func renderForms(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let p = permissions(try req.requireUser())
        return try await req.page("import", title: req.t("import.title"), active: "import", status: status,
                                  ImportFormsBody(maySurvey: p.survey, mayMembers: p.members, mayUnits: p.units, error: error))
    }

    struct UploadForm: Content {
        var file: File?
    }

    func upload(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let kind = ImportKind(rawValue: req.parameters.get("kind") ?? "") else { throw Abort(.notFound) }
        guard allowed(kind, user) else { throw Abort(.forbidden) }
        // Over the limit: refused while the body streams in (CSRFMiddleware collects at most
        // `maxBody`); checked here as well for a body that arrived whole.
        if let body = req.body.data, body.readableBytes > CSRFMiddleware.maxBody { throw Abort(.payloadTooLarge) }
        let form = try req.content.decode(UploadForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return try await renderForms(req, error: req.t("import.no_file"), status: .badRequest)
        }
        let lower = file.filename.lowercased()
        guard lower.hasSuffix(".csv") || lower.hasSuffix(".xlsx") else {
            return try await renderForms(req, error: req.t("import.bad_type", file.filename), status: .badRequest)
        }
        let id = Tokens.random()
        let path = req.web.settings.uploadDirectory + "/" + id + (lower.hasSuffix(".xlsx") ? ".xlsx" : ".csv")
        let job = ImportJob(id: id, ownerID: user.account.id, kind: kind, fileName: String(file.filename.suffix(200)), path: path, created: Date())
        do { try req.web.imports.add(job) } catch let busy as ImportJobs.Busy {
            return try await renderForms(req, error: req.t(busy == .account ? "import.busy_account" : "import.busy_server"), status: .tooManyRequests)
        }
        do { try await req.fileio.writeFile(file.data, at: path) } catch {
            req.web.imports.fail(id, error, state: .failed)
            throw error
        }
        req.web.imports.check(job, store: req.store, actor: user.actor)
        return req.redirect(to: "/import/jobs/\(id)", redirectType: .normal)
    }

    private func job(_ req: Request) throws -> (CurrentUser, ImportJob) {
        let user = try req.requireUser()
        guard let job = req.web.imports.job(req.parameters.get("id") ?? "", owner: user.account.id) else { throw Abort(.notFound) }
        return (user, job)
    }

    func show(req: Request) async throws -> Response {
        let (_, job) = try job(req)
        let body = ImportJobBody(job: job, text: req.pageText)
        return try await req.page("import-job", title: req.t("import.job_title", job.fileName), active: "import", body)
    }

    struct JobStatus: Content {
        let state: String
        let rows: Int
        let total: Int?
        let added: Int?
        let updated: Int?
        let unchanged: Int?
        let issues: Int
    }

    func status(req: Request) async throws -> JobStatus {
        let (_, job) = try job(req)
        let r = job.result ?? job.preview
        return JobStatus(state: job.state.rawValue, rows: job.rows, total: job.total, added: r?.added, updated: r?.updated,
                         unchanged: r?.unchanged, issues: job.issueTotal)
    }

    func confirm(req: Request) async throws -> Response {
        let (user, job) = try job(req)
        guard allowed(job.kind, user) else { throw Abort(.forbidden) }
        // Imported once: a second confirmation (here or on another instance) finds it under way or done.
        if job.state == .ready {
            do { try req.web.imports.run(job, store: req.store, actor: user.actor) } catch ImportJobs.Busy.server {
                // The file waits for its confirmation; the page says to confirm it again shortly.
                return try await renderForms(req, error: req.t("import.busy_server"), status: .tooManyRequests)
            }
        }
        return req.redirect(to: "/import/jobs/\(job.id)", redirectType: .normal)
    }

    /// Empty files to fill in: the survey as XLSX or CSV, members and units as CSV.
    func template(req: Request) async throws -> Response {
        let name = req.parameters.get("file") ?? ""
        let root = req.web.settings.rootDirectory + "Examples/"
        let files = ["mau-khao-sat.csv": "mau-khao-sat-trong.csv", "mau-doan-vien.csv": "doan-vien-mau.csv", "mau-don-vi.csv": "don-vi-mau.csv"]
        if name == "mau-khao-sat.xlsx" {
            var header: [String] = []
            try CSVReader(path: root + "mau-khao-sat-trong.csv").forEachRow { row, cells in if row == 1 { header = cells } }
            let path = NSTemporaryDirectory() + "giamngheo-template-\(Tokens.random()).xlsx"
            let writer = XLSXWriter(path: path, sheetName: "Khảo sát", columnWidths: header.map { _ in 16 }, freezeHeaderRow: true)
            writer.appendRow(header.map { XLSXWriter.Cell.bold($0) })
            try writer.close()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return download(data, name: name, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        guard let file = files[name] else { throw Abort(.notFound) }
        let data = try Data(contentsOf: URL(fileURLWithPath: root + file))
        return download(data, name: name, type: "text/csv; charset=utf-8")
    }

    private func download(_ data: Data, name: String, type: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: Attachment.disposition(name))
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
