import Foundation
import RefkitCore
import RefkitPublish
import RefkitStore

// What the web UI's reads cost on a big store (issue 16: with 10,000 kits the API's first page of
// 50 under 20 ms): `refkit-store-bench [--kits N] [--events N]`. Builds a database of N kits (1 in
// 100 with a reference that failed QA) and N x 10 events, then times each read 50 times. With `--runnable`
// the scheduler's query over stages waiting for several others (RunnableBench.swift). With `--backup`
// `refkit backup`'s copy of the whole store. With `--web`
// the web server's answers and event streams too (WebBench.swift: `--clients 50 --seconds 20 --rate 20`).

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let value = Int(args[i + 1]) else { return fallback }
    return value
}

let kitCount = max(100, argument("--kits", 10_000))
let eventCount = max(100, argument("--events", kitCount * 10))
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refkit-store-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let database = try RefkitDatabase(path: "\(folder)/refkit.sqlite")
let statuses = ["complete", "complete", "complete", "partial", "failed", "generating", "queued"]
let built = ContinuousClock.now
try database.execute(
    """
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(kitCount))
    INSERT INTO kits (id, name, slug, watch, status, created_at, updated_at)
    SELECT printf('k%08d', i), printf('kit %d', i), printf('kit-%d', i), CASE i % 3 WHEN 0 THEN 'civitai' ELSE 'manual' END,
           CASE i % 7 \(statuses.enumerated().map { "WHEN \($0.offset) THEN '\($0.element)'" }.joined(separator: " ")) END,
           strftime('%Y-%m-%dT%H:%M:%fZ', 1765000000 + i, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', 1765000000 + i, 'unixepoch')
    FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(kitCount))
    INSERT INTO stages (kit_id, stage, status, file, sha256, qa_verdict, updated_at)
    SELECT printf('k%08d', i), 'front', 'done', 'f.png', 'ab', CASE WHEN i % 100 = 0 THEN 'fail' ELSE 'pass' END, '2026-01-01'
    FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(eventCount))
    INSERT INTO events (at, kit_id, type, message) SELECT '2026-01-01', printf('k%08d', i % \(kitCount) + 1), 'stage_done', 'x' FROM n;
    """)
print("store: \(kitCount) kits, \(eventCount) events, built in \(ContinuousClock.now - built)")

func time(_ label: String, unit: String = "rows", _ body: () throws -> Int) rethrows {
    var samples: [Double] = []
    var rows = 0
    for _ in 0..<50 {
        let start = ContinuousClock.now
        rows = try body()
        let d = ContinuousClock.now - start
        samples.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000)
    }
    samples.sort()
    let padded = label.padding(toLength: 40, withPad: " ", startingAt: 0)
    print(padded + String(format: " median %7.3f ms  p90 %7.3f ms  (%d \(unit))", samples[25], samples[45], rows))
}

let deep = String(format: "k%08d", kitCount / 10)
try time("first page of 50") { try database.kitPage(limit: 50).kits.count }
try time("a page of 50 after 90% of the kits") { try database.kitPage(before: deep, limit: 50).kits.count }
try time("first page of 50, status partial") { try database.kitPage(.init(status: .partial), limit: 50).kits.count }
try time("first page of 50, watch civitai") { try database.kitPage(.init(watch: "civitai"), limit: 50).kits.count }
try time("first page of 50, needs review") { try database.kitPage(.init(needsReview: true), limit: 50).kits.count }
// What the publisher reads to rewrite an outbox's index.html after each publish.
try database.execute("UPDATE kits SET outbox_dir = '/srv/outbox/' || slug WHERE status IN ('complete', 'partial', 'failed')")
try time("outbox index listing, one watch") { try database.outboxListing(watch: "manual").count }
let outbox = "\(folder)/outbox"
try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
try time("outbox index: listing, page, durable write") {
    let entries = try database.outboxListing(watch: "manual").map {
        OutboxIndex.Entry(
            name: $0.name, folder: ($0.outboxDir as NSString).lastPathComponent, status: $0.status, createdAt: $0.createdAt,
            needsReview: $0.needsReview)
    }
    try OutboxPublisher(outbox: outbox).writeIndex(entries, generatedAt: Timestamp.string())
    return entries.count
}
let middle = Int64(eventCount / 2)
try time("500 events after the middle of the log") { try database.events(after: middle, limit: 500).count }
try time("newest event id") { Int(try database.lastEventID() > 0 ? 1 : 0) }

if CommandLine.arguments.contains("--backup") {
    // `refkit backup`'s work: the online copy, the switch to a rollback journal, the integrity check, the syncs.
    try time("refkit backup of the whole store", unit: "KiB") {
        Int(try database.backup(to: "\(folder)/backup.sqlite").bytes / 1024)
    }
}
if CommandLine.arguments.contains("--runnable") { try runnableBench(database: database) }
if CommandLine.arguments.contains("--hooks") {
    try hookViewsBench(database: database, deliveries: argument("--hooks", 100_000), kits: kitCount)
}
if CommandLine.arguments.contains("--web") {
    try await webBench(
        database: database, folder: folder, clients: argument("--clients", 50), seconds: argument("--seconds", 20),
        eventsPerSecond: argument("--rate", 20))
}
