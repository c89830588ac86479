import Foundation
import RefkitConfig
import RefkitDaemon
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `refkit doctor` as the real binary: its lines and its exit status.
@Suite("refkit doctor", .timeLimit(.minutes(2)))
struct DoctorTests {
    static func config(_ dir: TemporaryDirectory, baseURL: String) throws -> String {
        let file = dir.url("refkit.toml")
        try FileFixtures.write("key-for-doctor\n", to: dir.url("key.txt"))
        try FileFixtures.write(
            """
            state_dir = "state"
            [providers.gemini]
            base_url = "\(baseURL)"
            api_key_file = "key.txt"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
              [watch.default_order]
              stages = ["avatar"]
              provider = "preview"
            """, to: file)
        return file
    }

    static func doctor(_ arguments: [String], in dir: TemporaryDirectory) async throws -> (status: Int32, lines: [String]) {
        let log = dir.url("doctor-\(UInt32.random(in: 0...UInt32.max)).log")
        let run = try RefkitProcess(["doctor"] + arguments, log: log)
        let status = try await run.waitForExit()
        let output = try String(contentsOfFile: log, encoding: .utf8)
        return (status, output.split(separator: "\n").map(String.init))
    }

    /// Opens the state once (the database appears), as a first run would.
    static func initialiseState(_ file: String) async throws {
        let configuration = try ConfigurationLoader.load(path: file)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        try await daemon.run(.once)
    }

    @Test func aHealthyInstallationPassesWithTheProviderReached() async throws {
        let dir = try TemporaryDirectory("doctor-ok")
        let server = try await LoopbackServer.start()
        server.route(nil, "/*") { _ in .text("not here", status: 404) }
        let file = try Self.config(dir, baseURL: server.baseURL)
        try await Self.initialiseState(file)
        let (status, lines) = try await Self.doctor(["--config", file], in: dir)
        await server.stop()
        #expect(status == 0, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.hasPrefix("ok    database: ") && $0.contains("integrity ok") })
        #expect(lines.contains { $0.hasPrefix("ok    provider gemini: ") && $0.contains("key.txt") })
        #expect(lines.contains { $0.hasPrefix("ok    provider gemini endpoint: \(server.baseURL) answered HTTP 404") })
        #expect(lines.contains { $0.hasPrefix("ok    inotify watches: 1 folders to watch") })
        #expect(lines.contains { $0.hasPrefix("ok    inotify instances: ") })
        #expect(lines.contains { $0.hasPrefix("ok    qa models: \(QAFixtures.modelsDirectory): 3 dlib models") }, "\(lines)")
        #expect(!lines.contains { $0.contains("key-for-doctor") }, "the credential was printed")
    }

    @Test func missingOrDamagedFaceModelsFailWithTheFileAndTheFix() async throws {
        let dir = try TemporaryDirectory("doctor-models")
        let file = try Self.config(dir, baseURL: "http://127.0.0.1:1")
        let models = dir.url("models")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        // One model copied as published, one damaged, one missing.
        let installed = QAFixtures.modelsDirectory
        let good = "shape_predictor_5_face_landmarks.dat"
        try FileManager.default.copyItem(atPath: installed + "/" + good, toPath: models + "/" + good)
        try FileFixtures.write("not a model\n", to: models + "/dlib_face_recognition_resnet_model_v1.dat")
        let text = try String(contentsOfFile: file, encoding: .utf8) + "\n[qa]\nmodels_dir = \"models\"\n"
        try FileFixtures.write(text, to: file)
        let (status, lines) = try await Self.doctor(["--config", file, "--offline"], in: dir)
        #expect(status == 1)
        let line = try #require(lines.first { $0.hasPrefix("FAIL  qa models: ") }, "\(lines)")
        #expect(line.contains("dlib_face_recognition_resnet_model_v1.dat has sha256 "), "\(line)")
        #expect(line.contains("mmod_human_face_detector.dat is missing"), "\(line)")
        #expect(!line.contains(good), "\(line)")
        #expect(line.contains("scripts/install-models.sh"), "\(line)")
    }

    @Test func aCorruptDatabaseAndAnUnreachableProviderFail() async throws {
        let dir = try TemporaryDirectory("doctor-bad")
        let file = try Self.config(dir, baseURL: "http://127.0.0.1:1")
        try await Self.initialiseState(file)
        // Scribble over every page after the first (the header stays valid, the b-trees do not).
        let db = dir.url("state/refkit.sqlite")
        var bytes = try #require(FileFixtures.read(db))
        #expect(bytes.count > 8192)
        for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try FileFixtures.write(bytes, to: db)
        let (status, lines) = try await Self.doctor(["--config", file], in: dir)
        #expect(status == 1)
        #expect(lines.contains { $0.hasPrefix("FAIL  database: ") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.hasPrefix("FAIL  provider gemini endpoint: http://127.0.0.1:1") })
    }

    @Test func foldersAreCheckedForTheServiceUser() async throws {
        let dir = try TemporaryDirectory("doctor-user")
        let file = try Self.config(dir, baseURL: "http://127.0.0.1:1")
        for name in ["state", "inbox", "outbox", "rejected"] { try dir.folder(name) }
        // mkdtemp made the folder 0700: nobody cannot even look inside.
        var (status, lines) = try await Self.doctor(["--config", file, "--offline", "--user", "nobody"], in: dir)
        #expect(status == 1)
        #expect(
            lines.contains {
                $0.hasPrefix("FAIL  watch w inbox: ") && $0.contains("nobody") && $0.contains("no search (x) permission on \(dir.path)")
            })
        chmod(dir.path, 0o755)
        (status, lines) = try await Self.doctor(["--config", file, "--offline", "--user", "nobody"], in: dir)
        #expect(lines.contains { $0.hasPrefix("FAIL  watch w outbox: ") && $0.contains("mode 755") }, "\(lines.joined(separator: "\n"))")
        for name in ["state", "inbox", "outbox", "rejected"] { chmod(dir.url(name), 0o777) }
        (status, lines) = try await Self.doctor(["--config", file, "--offline", "--user", "nobody"], in: dir)
        #expect(status == 0, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0 == "ok    watch w outbox: \(dir.url("outbox")) (usable by nobody)" })
        (status, lines) = try await Self.doctor(["--config", file, "--offline", "--user", "no-such-user-here"], in: dir)
        #expect(status == 1 && lines.contains { $0.hasPrefix("FAIL  service user: no user named no-such-user-here") })
    }

    /// The web UI's port held by another program is a warning (the daemon would run without its UI); a hook's
    /// unreadable secret file is a failure.
    @Test func theWebPortTakenWarnsAndAMissingHookSecretFails() async throws {
        let dir = try TemporaryDirectory("doctor-web")
        let holder = try await LoopbackServer.start()
        let port = try #require(holder.baseURL.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        let file = try Self.config(dir, baseURL: "http://127.0.0.1:9")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try FileFixtures.write(
            text.replacingOccurrences(
                of: "[[watch]]",
                with: """
                    [web]
                    listen = "127.0.0.1:\(port)"
                    [[hook]]
                    name = "chat"
                    url = "http://127.0.0.1:9/hook"
                    secret_file = "missing-secret"
                    [[watch]]
                    """), to: file)
        let (status, lines) = try await Self.doctor(["--config", file, "--offline"], in: dir)
        await holder.stop()
        #expect(lines.contains { $0.hasPrefix("warn  web listen: ") && $0.contains("another program holds it") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("ok    web token: ") })
        #expect(lines.contains { $0.hasPrefix("FAIL  hooks: ") && $0.contains("missing-secret") }, "\(lines)")
        #expect(status == 1)
    }
}
