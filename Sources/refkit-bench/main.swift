// refkit-bench: references per second through the whole pipeline (intake → stages → outbox),
// in process, with the offline preview provider or a zero-latency fake provider.
//
//   swift run -c release refkit-bench [--sources N] [--provider preview|instant] [--stages turnaround]
//
// The nightly Civitai batch (issue 7): --civitai fills the inbox with `refkit civitai`'s code
// against the in-process FakeCivitai (images + sidecar orders, kits civitai-ID, turnaround),
// then the daemon makes the kits through the Gemini client against a fake whose latency is
// log-normal around --latency-ms (spread --latency-sigma); prints the wall time against the
// ideal schedule (every request slot busy: served latency / concurrency) and the batch summary.
//
//   refkit-bench --civitai --provider gemini --sources 20 --stages turnaround --latency-ms 10000 --latency-sigma 0.25 --concurrency 6
//
// Prints wall time, references/s, CPU seconds per reference (getrusage of this process) and
// peak RSS. With --provider gemini the fake (plain blocking threads, ThreadedHTTPServer; add
// --flyingfox for the tests' FlyingFox server) also prints `service:` (accepted, rejected, peak
// in flight, connections) and `timeline:` (first request, last answer, and mean_in_flight:
// the time-average of requests it held, which is --concurrency when no slot is ever idle);
// --metrics adds refkit's own request-duration sums.
import Foundation
import Logging
import RefkitCivitai
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitHTTP
import RefkitImaging
import RefkitProviders
import RefkitStore
import RefkitSystem
import RefkitTestSupport

MallocArenas.cap()  // as `refkit` does at start

if CommandLine.arguments.contains("--object-info") {
    // A mode of its own (ObjectInfoBench.swift): no pipeline runs.
    try objectInfoBench(
        classes: Int(argument("--classes", "3000")) ?? 3000, loras: Int(argument("--loras", "5000")) ?? 5000,
        workflow: argument("--workflow", "config/comfyui-workflow.json"))
    exit(0)
}

struct InstantProvider: ImageProvider {
    let name = "instant"
    let image: [UInt8]
    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        GeneratedImage(bytes: image, mime: "image/png", width: 256, height: 256, model: "instant", costUSD: 0)
    }
}

func argument(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

let sources = Int(argument("--sources", "50")) ?? 50
let providerName = argument("--provider", "preview")
let stages = argument("--stages", "turnaround")
// For --provider gemini: the fake service's latency, its limit per minute (0: none), and the
// provider's concurrency and requests_per_minute in refkit's configuration.
let latencyMs = Int(argument("--latency-ms", "0")) ?? 0
let serviceLimit = Int(argument("--service-limit", "0")) ?? 0
let providerConcurrency = Int(argument("--concurrency", "12")) ?? 12
let requestsPerMinute = Int(argument("--rpm", "1000000")) ?? 1_000_000
let latencySigma = Double(argument("--latency-sigma", "0")) ?? 0
let civitaiMode = CommandLine.arguments.contains("--civitai")
// QA is off unless asked for (the fake's one picture for every view would fail it); --distinct N
// makes the fake answer N different pictures, so QA on and off can be compared on the same work.
let qaOn = CommandLine.arguments.contains("--qa")
let distinct = Int(argument("--distinct", "0")) ?? 0
let modelsDirectory = argument("--models", "/var/cache/refkit/models")
let root = FileManager.default.temporaryDirectory.appendingPathComponent("refkit-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: "\(root)/inbox", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }

var civitai: FakeCivitai?
for i in 0..<sources {
    let bytes = try ImageOps.synthesize(width: 768, height: 1024, seed: UInt64(i + 1), format: "jpeg")
    if civitaiMode {
        if civitai == nil { civitai = try await FakeCivitai.start() }
        civitai?.host("\(i + 1).jpeg", bytes: bytes)
    } else {
        FileManager.default.createFile(atPath: "\(root)/inbox/src-\(i).jpg", contents: Data(bytes))
    }
}
civitai?.setFeed((1...sources).map { FakeCivitai.Item(id: Int64(70_000 + $0), file: "\($0).jpeg", width: 768, height: 1024) })
var service: FakeImageService?
var geminiTable = ""
if providerName == "gemini" {
    let fake = try await FakeImageService.start(
        latency: .milliseconds(latencyMs), perMinute: serviceLimit > 0 ? serviceLimit : nil, sigma: latencySigma,
        flyingFox: CommandLine.arguments.contains("--flyingfox"), distinct: distinct)
    service = fake
    FileManager.default.createFile(atPath: "\(root)/gemini.key", contents: Data("bench-key".utf8))
    geminiTable = """
        [providers.gemini]
        base_url = "\(fake.baseURL)"
        api_key_file = "gemini.key"
        concurrency = \(providerConcurrency)
        requests_per_minute = \(requestsPerMinute)
        """
}
let text = """
    state_dir = "state"
    [qa]
    enabled = \(qaOn)
    models_dir = "\(modelsDirectory)"
    \(geminiTable)
    [retry]
    attempts = 6
    base_delay_ms = 200
    [limits]
    concurrency = \(max(12, 3 * providerConcurrency))
    [providers.instant]
    kind = "preview"
    concurrency = 12
    [providers.preview]
    concurrency = 12
    [[watch]]
    name = "bench"
    inbox = "inbox"
    outbox = "outbox"
    settle_ms = 0
    sidecar_wait_ms = \(civitaiMode ? 2000 : 0)
      [watch.default_order]
      stages = "\(stages)"
      provider = "\(providerName)"
    [civitai]
    base_url = "\(civitai?.baseURL ?? "https://civitai.com")"
    limit = \(min(max(sources, 1), 1000))
    page_size = 8
    """
let configuration = try ConfigurationLoader.parse(text: text, file: "bench.toml", relativeTo: root)
var logger = Logger(label: "bench")
logger.logLevel = .error
let instant = InstantProvider(image: try ImageOps.synthesize(width: 256, height: 256, seed: 9, format: "png"))
if let civitai {
    let fetchStarted = ContinuousClock.now
    try FileManager.default.createDirectory(atPath: configuration.stateDir, withIntermediateDirectories: true)
    let database = try RefkitDatabase(path: StateLayout(root: configuration.stateDir).database)
    let settings = CivitaiSettings(configuration)
    let report = try await CivitaiIngest(
        client: CivitaiClient(http: HTTPClient(logger: logger), settings: settings, token: nil, logger: logger), database: database,
        settings: settings, inbox: "\(root)/inbox", stateDirectory: configuration.stateDir, logger: logger
    ).run()
    await civitai.stop()
    print("civitai: \(report.line) in \(ContinuousClock.now - fetchStarted)")
}
let daemon = try Daemon.build(
    configuration: configuration, logger: logger, providers: providerName == "instant" ? ["instant": instant] : [:])
var before = rusage()
getrusage(RUSAGE_SELF.rawValue, &before)
let started = ContinuousClock.now
let summary = try await daemon.run(.once)
let wall = ContinuousClock.now - started
var after = rusage()
getrusage(RUSAGE_SELF.rawValue, &after)
func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
let cpu = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_stime)
let refs = summary.references
let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
print(
    "provider=\(providerName) sources=\(sources) stages=\(stages) qa=\(qaOn) kits_complete=\(summary.kits[.complete] ?? 0) "
        + "references=\(refs)")
if let service {
    let counts = service.counts.withLock { $0 }
    let total = counts.accepted + counts.rejected
    print(
        String(
            format: "service: accepted=%d rejected=%d rejected_share=%.2f%% accepted_per_minute=%.1f peak_in_flight=%d connections=%d",
            counts.accepted, counts.rejected,
            100 * Double(counts.rejected) / Double(max(total, 1)), Double(counts.accepted) * 60 / wallSeconds, counts.peakInFlight,
            service.connections ?? -1))
    if latencyMs > 0 {
        // The ideal schedule keeps every one of the provider's slots busy from start to end.
        func s(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let ideal = max(s(counts.servedLatency) / Double(providerConcurrency), 2 * s(counts.longestLatency))
        if let first = counts.firstAt, let last = counts.lastAt {
            print(
                String(
                    format: "timeline: first_request_s=%.2f last_answer_s=%.2f tail_s=%.2f mean_in_flight=%.2f", s(first - started),
                    s(last - started),
                    wallSeconds - s(last - started), s(counts.busy) / s(last - first)))
        }
        print(
            String(
                format: "schedule: served_latency_s=%.1f mean_latency_s=%.2f ideal_s=%.1f wall_over_ideal=%.3f", s(counts.servedLatency),
                s(counts.servedLatency) / Double(max(counts.accepted, 1)), ideal, wallSeconds / ideal))
    }
}
if qaOn {
    // What QA decided on the kept references: verdicts per check, and the attempts made.
    var tally: [String: Int] = [:]
    var attempts = 0
    for kit in try daemon.database.kits() {
        for stage in try daemon.database.stages(kitID: kit.id) {
            guard let qa = stage.qa else { continue }
            attempts += qa.attempts
            for check in qa.checks where check.verdict != .pass {
                tally["\(check.check.rawValue)=\(check.verdict.rawValue)", default: 0] += 1
            }
            for check in qa.checks where check.verdict == .fail { print("qa: \(kit.name) \(stage.stage.name): \(check.detail)") }
        }
    }
    print("qa: attempts=\(attempts) not_passed=" + tally.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))
}
if civitaiMode {
    for batch in BatchSummaries.completeFinishedBatches(database: daemon.database, stateDirectory: configuration.stateDir, logger: logger) {
        print("civitai: \(batch.line)")
    }
}
print(
    String(
        format: "wall_s=%.2f references_per_s=%.1f cpu_s=%.2f cpu_ms_per_reference=%.1f peak_rss_mib=%.0f", wallSeconds,
        Double(refs) / wallSeconds, cpu, cpu * 1000 / Double(max(refs, 1)), Double(after.ru_maxrss) / 1024))
if CommandLine.arguments.contains("--metrics") {
    for line in daemon.metrics.registry.render().split(separator: "\n")
    where line.contains("duration") && !line.hasPrefix("#") && (line.contains("_sum") || line.contains("_count")) {
        print(line)
    }
}
