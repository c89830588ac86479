import Foundation
import RefkitCore
import RefkitDigest
import RefkitImaging
import RefkitTestSupport

@testable import RefkitPublish

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "refkit-publish-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum Fixture {
    static func png(seed: UInt64, size: Int = 48) throws -> [UInt8] {
        try ImageOps.synthesize(width: size, height: size, seed: seed, format: "png")
    }

    static func jpeg(seed: UInt64) throws -> [UInt8] {
        try ImageOps.synthesize(width: 80, height: 60, seed: seed, format: "jpeg")
    }

    static let stamp = "2026-11-23T08:15:02.123Z"

    /// A done stage image with its file and digest.
    static func done(_ stage: Stage, _ bytes: [UInt8], seed: Int64 = 7) -> ManifestImage {
        ManifestImage(
            stage: stage.name, status: .done, file: stage.fileName, sha256: SHA256Digest.hex(of: bytes), mime: "image/png",
            width: 48, height: 48, provider: "preview", model: "preview-1", prompt: "a \(stage.label) <of> \"mira\"",
            seed: seed, attempts: 1, durationMs: 120, costUSD: 0.039)
    }

    /// A kit of `stages` done images plus a source and one failed expression, as files and a manifest.
    static func kit(
        name: String = "Mira", stages: [Stage] = [.avatar, .referenceAvatar, .front, .side, .back], status: KitStatus = .partial
    ) throws -> (files: [KitFile], manifest: ManifestDocument) {
        var files: [KitFile] = []
        var images: [ManifestImage] = []
        for (i, stage) in stages.enumerated() {
            let bytes = try png(seed: UInt64(i + 1))
            files.append(KitFile(relativePath: stage.fileName, contents: bytes))
            images.append(done(stage, bytes))
        }
        images.append(
            ManifestImage(
                stage: "expression:smile", status: .failed, provider: "preview", attempts: 3, durationMs: 40,
                error: .init(code: "safety_block", message: "the provider refused <the prompt> & said no")))
        let source = try jpeg(seed: 99)
        files.append(KitFile(relativePath: "source.jpg", contents: source))
        let manifest = ManifestDocument(
            id: "kit_01", kit: name, status: status, createdAt: stamp, updatedAt: stamp, refkitVersion: "0.1.0",
            source: ManifestSource(
                originalName: "mira.jpg", sha256: SHA256Digest.hex(of: source), width: 80, height: 60,
                provenance: .object([("platform", .string("civitai")), ("id", .number(12345, isInteger: true))])),
            character: ManifestCharacter(
                name: "Mira", description: "A courier",
                attributes: [
                    .init(key: "hair_color", value: "red", origin: .given), .init(key: "eye_color", value: "green", origin: .analyzed),
                ]),
            lockedReference: LockedReference(file: "avatar.png", how: "auto: first candidate"),
            stages: images)
        return (files, manifest)
    }

    /// The sheet content the publisher draws for a kit, its bytes taken from `files`.
    static func sheetContent(_ files: [KitFile], _ manifest: ManifestDocument) throws -> StudioSheetContent? {
        try manifest.sheetContent { (path) throws(RefkitError) in
            guard let file = files.first(where: { $0.relativePath == path }) else {
                throw RefkitError(.outboxMissingFile, "no such fixture file", detail: path)
            }
            return file.contents
        }
    }

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    static func text(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Modification time in nanoseconds and inode, without following symlinks.
    static func fileStamp(of path: String) -> (mtime: Int64, inode: UInt64)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), UInt64(info.st_ino))
    }

    /// Every regular file under `root`, relative to it, sorted.
    static func tree(_ root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + item, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(item)
            }
        }
        return out.sorted()
    }
}

/// JSON Schema validation by the reference Python implementation (`jsonschema`,
/// Draft202012Validator, format checking off), so our schemas are checked by a real validator.
enum SchemaValidator {
    static var schemasDirectory: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("schemas").path
    }

    /// For each instance (JSON text), nil when valid, else the validator's first error message.
    static func validate(_ instances: [String], against schema: String) throws -> [String?] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let instancesPath = directory.path + "/instances.json"
        try Data(("[" + instances.joined(separator: ",\n") + "]").utf8).write(to: URL(fileURLWithPath: instancesPath))
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            out = []
            for instance in json.load(open(sys.argv[2])):
                errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path).__repr__())
                out.append(None if not errors else "%s: %s" % ("/".join(map(str, errors[0].absolute_path)), errors[0].message))
            print(json.dumps(out))
            """
        let errorsPath = instancesPath + ".stderr"
        defer { try? FileManager.default.removeItem(atPath: errorsPath) }
        let (status, output) = try ChildProcess.run(
            "/usr/bin/env", ["python3", "-c", script, schemasDirectory + "/" + schema, instancesPath], stderr: .append(errorsPath))
        let outData = Data(output.utf8)
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
            throw ValidatorFailure(message: "python3 jsonschema failed: " + errors)
        }
        guard case .array(let results) = try JSONValue.parse([UInt8](outData)), results.count == instances.count else {
            throw ValidatorFailure(message: "unexpected validator output: " + String(decoding: outData, as: UTF8.self))
        }
        return results.map { if case .string(let message) = $0 { message } else { nil } }
    }

    struct ValidatorFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
