import Foundation
import RefkitConfig
import RefkitDigest
import RefkitFaces
import RefkitPipeline

extension RefkitCommand.Doctor {
    /// `[qa]`: the face models the checks load (present, with the published sha256) and the
    /// judge's credential. Nothing to check when QA is off or runs no face check.
    func checkQA(_ report: inout DoctorReport, _ configuration: Configuration, registry: ProviderRegistry) {
        let qa = configuration.qa
        guard qa.enabled else {
            report.ok("qa", "off ([qa] enabled = false)")
            return
        }
        if qa.checks.contains(.face) || qa.checks.contains(.identity) {
            let problems = FaceModels.expectedFiles.compactMap { file in modelProblem(file, in: qa.modelsDirectory) }
            if problems.isEmpty {
                report.ok("qa models", "\(qa.modelsDirectory): \(FaceModels.expectedFiles.count) dlib models, sha256 as published")
            } else {
                report.fail("qa models", problems.joined(separator: "; ") + "; run scripts/install-models.sh (or set [qa] models_dir)")
            }
        }
        guard let judge = qa.judge else { return }
        if judge == "analyzer" {
            if let why = registry.analyzerUnavailable {
                report.fail("qa judge", "analyzer: \(why)")
            } else {
                report.ok("qa judge", "the analyzer, credential present")
            }
        } else if let entry = registry.entries[judge] {
            if let why = entry.unavailable {
                report.fail("qa judge", "provider \(judge): \(why)")
            } else {
                report.ok("qa judge", "provider \(judge), credential: \(entry.credentialSource)")
            }
        }
    }

    /// What is wrong with one model file, if anything: missing, unreadable or not the published bytes.
    func modelProblem(_ file: FaceModels.File, in folder: String) -> String? {
        let path = (folder as NSString).appendingPathComponent(file.name)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return FileManager.default.fileExists(atPath: path) ? "\(path) cannot be read" : "\(path) is missing"
        }
        defer { try? handle.close() }
        let digest = SHA256Digest()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { chunk.withUnsafeBytes { digest.update($0) } }
        } catch {
            return "\(path) cannot be read: \(error.localizedDescription)"
        }
        let sha = digest.finalizeHex()
        return sha == file.sha256 ? nil : "\(path) has sha256 \(sha.prefix(12))..., not the published \(file.sha256.prefix(12))..."
    }
}
