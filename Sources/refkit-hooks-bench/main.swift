import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitHTTP
import RefkitHooks
import RefkitStore
import RefkitTestSupport

// What `[[hook]]` deliveries cost: `refkit-hooks-bench [--kits N]`. N finished kits (their
// `kit_complete` events), one URL hook to a receiver on loopback: the scan that stores the
// deliveries, the sends, the idle pass the daemon's 5 s tick makes, and one command run.

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let value = Int(args[i + 1]) else { return fallback }
    return value
}

func milliseconds(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

let kitCount = max(10, argument("--kits", 2000))
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refkit-hooks-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let database = try RefkitDatabase(path: "\(folder)/refkit.sqlite")
let logger = Logger(label: "refkit.hooks-bench", factory: { _ in SwiftLogNoOpLogHandler() })
let receiver = try await LoopbackServer.start()
receiver.route("POST", "/hook") { _ in .text("ok") }
var hook = Configuration.Hook(name: "bench")
hook.url = receiver.baseURL + "/hook"
let http = HTTPClient(logger: logger)
// Made before the events, so its cursor starts before them.
let dispatcher = try HookDispatcher(
    hooks: [hook], secrets: HookSecrets(keys: ["bench": Array("bench-key".utf8)]), database: database,
    events: EventBroadcast<PipelineEvent>(), http: http, logger: logger)

try database.execute(
    """
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(kitCount))
    INSERT INTO kits (id, name, slug, watch, status, outbox_dir, created_at, updated_at)
    SELECT printf('k%08d', i), printf('kit %d', i), printf('kit-%d', i), 'manual', 'complete', printf('/out/kit-%d', i),
           '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
    FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(kitCount))
    INSERT INTO stages (kit_id, stage, status, file, sha256, qa_verdict, updated_at)
    SELECT printf('k%08d', i), 'front', 'done', 'f.png', 'ab', 'pass', '2026-01-01' FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(kitCount))
    INSERT INTO events (at, kit_id, type) SELECT '2026-01-01', printf('k%08d', i), 'kit_complete' FROM n;
    """)

var start = ContinuousClock.now
let stored = try dispatcher.scan()
let scan = ContinuousClock.now - start
print(
    String(
        format: "scan: %d events -> %d deliveries in %.0f ms (%.3f ms per event)", kitCount, stored, milliseconds(scan),
        milliseconds(scan) / Double(kitCount)))

start = ContinuousClock.now
var sent = 0
while true {
    let n = await dispatcher.sendDue()
    if n == 0 { break }
    sent += n
}
let sends = ContinuousClock.now - start
print(
    String(
        format: "send: %d signed POSTs to loopback in %.0f ms (%.0f per second, one hook's in order)", sent, milliseconds(sends),
        Double(sent) / (milliseconds(sends) / 1000)))
let delivered = try database.hookDeliveries().filter { $0.status == .delivered }.count
print("delivered: \(delivered) of \(stored); the receiver saw \(receiver.requests(to: "/hook").count)")

start = ContinuousClock.now
for _ in 0..<1000 { await dispatcher.pass() }
print(
    String(format: "idle pass (nothing new, nothing due: what each tick costs): %.3f ms", milliseconds(ContinuousClock.now - start) / 1000))

start = ContinuousClock.now
for _ in 0..<50 { _ = try await HookCommand.run(["/bin/true"], environment: [], timeout: .seconds(10)) }
print(String(format: "command: /bin/true run, waited for and reaped: %.2f ms each", milliseconds(ContinuousClock.now - start) / 50))
await receiver.stop()
http.shutdown()
