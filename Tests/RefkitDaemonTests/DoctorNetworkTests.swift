import Foundation
import RefkitTestSupport
import Testing

/// `refkit doctor` (the real binary) on where credentials travel and where metrics listen.
@Suite("refkit doctor: plain http and listen", .timeLimit(.minutes(2)))
struct DoctorNetworkTests {
    static func write(_ dir: TemporaryDirectory, top: String = "", tables: String) throws -> String {
        let file = dir.url("refkit.toml")
        try FileFixtures.write("key-for-doctor\n", to: dir.url("key.txt"))
        try FileFixtures.write(
            """
            state_dir = "state"
            \(top)
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
              [watch.default_order]
              stages = ["avatar"]
              provider = "preview"
            \(tables)
            """, to: file)
        return file
    }

    @Test func plainHTTPToALANHostFailsWithTheLineUnlessListedThenWarns() async throws {
        let dir = try TemporaryDirectory("doctor-plain-http")
        let provider = "[providers.comfyui]\napi_key_file = \"key.txt\"\nbase_url = \"http://comfy.lan:8188\""
        var file = try Self.write(dir, tables: provider)
        var (status, lines) = try await DoctorTests.doctor(["--config", file, "--offline"], in: dir)
        #expect(status == 78, "\(lines)")
        #expect(lines.joined().contains("\(file):12: providers.comfyui.base_url: plain http to comfy.lan"), "\(lines)")

        file = try Self.write(dir, top: "plain_http_hosts = [\"comfy.lan\"]", tables: provider)
        (status, lines) = try await DoctorTests.doctor(["--config", file, "--offline"], in: dir)
        #expect(lines.contains { $0.hasPrefix("warn  plain http: providers.comfyui.base_url = http://comfy.lan:8188: credentials cross") }, "\(lines)")
    }

    @Test func aListenAddressOffLoopbackFailsDoctorWithItsLine() async throws {
        let dir = try TemporaryDirectory("doctor-listen")
        let file = try Self.write(dir, tables: "[metrics]\nlisten = \"0.0.0.0:9464\"")
        let (status, lines) = try await DoctorTests.doctor(["--config", file, "--offline"], in: dir)
        #expect(status == 78, "\(lines)")
        #expect(lines.joined().contains("\(file):11: metrics.listen: 0.0.0.0 is not a loopback address"), "\(lines)")
    }
}
