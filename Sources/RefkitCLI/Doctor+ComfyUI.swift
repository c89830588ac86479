import RefkitPipeline
import RefkitProviders

extension RefkitCommand.Doctor {
    /// A `comfyui` provider whose endpoint answered: its workflow against what each of its servers
    /// has (`GET /object_info`, fetched once per server): missing custom nodes, model files not in
    /// the server's folders, configured inputs the node classes do not take. One line per
    /// finding (a fail fails doctor), or one ok line when the workflow fits the server.
    func checkComfyWorkflow(_ report: inout DoctorReport, _ name: String, _ entry: ProviderRegistry.Entry) async {
        guard let comfy = entry.provider as? ComfyUIProvider else { return }
        let check = comfy.workflowCheck()
        let servers = comfy.endpoints.baseURLs
        for server in servers {
            let what = servers.count > 1 ? "provider \(name) workflow on \(server)" : "provider \(name) workflow"
            let info: ComfyObjectInfo
            do {
                info = try await comfy.objectInfo(at: server)
            } catch {
                report.fail(what, "\(error.code.rawValue): \(error.message)")
                continue
            }
            let findings = check.findings(against: info)
            for finding in findings {
                switch finding.severity {
                case .fail: report.fail(what, finding.message)
                case .warn: report.warn(what, finding.message)
                }
            }
            guard !findings.contains(where: { $0.severity == .fail }) else { continue }
            let warnings = findings.isEmpty ? "" : "; \(findings.count) warning(s) above"
            report.ok(
                what,
                "\(comfy.workflowPath) fits \(server): its \(check.nodes.count) nodes' classes, models and configured inputs are there"
                    + warnings)
        }
    }
}
