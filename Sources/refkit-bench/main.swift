// refkit-bench: references per second through the whole pipeline (intake → stages → outbox),
// in process, with the offline preview provider or a zero-latency fake provider.
//
//   swift run -c release refkit-bench [--sources N] [--provider preview|instant] [--stages turnaround]
//
// Prints wall time, references/s, CPU seconds per reference (getrusage of this process) and
// peak RSS.
import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitImaging
import RefkitProviders

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
let root = FileManager.default.temporaryDirectory.appendingPathComponent("refkit-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: "\(root)/inbox", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }

for i in 0..<sources {
    let bytes = try ImageOps.synthesize(width: 768, height: 1024, seed: UInt64(i + 1), format: "jpeg")
    FileManager.default.createFile(atPath: "\(root)/inbox/src-\(i).jpg", contents: Data(bytes))
}
let text = """
    state_dir = "state"
    [limits]
    concurrency = 12
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
    sidecar_wait_ms = 0
      [watch.default_order]
      stages = "\(stages)"
      provider = "\(providerName)"
    """
let configuration = try ConfigurationLoader.parse(text: text, file: "bench.toml", relativeTo: root)
var logger = Logger(label: "bench")
logger.logLevel = .error
let instant = InstantProvider(image: try ImageOps.synthesize(width: 256, height: 256, seed: 9, format: "png"))
let daemon = try Daemon.build(configuration: configuration, logger: logger, providers: providerName == "instant" ? ["instant": instant] : [:])
var before = rusage()
getrusage(RUSAGE_SELF.rawValue, &before)
let started = ContinuousClock.now
let summary = try await daemon.run(.once)
let wall = ContinuousClock.now - started
var after = rusage()
getrusage(RUSAGE_SELF.rawValue, &after)
func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
let cpu = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_stime)
let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
let refs = summary.references
print("provider=\(providerName) sources=\(sources) stages=\(stages) kits_complete=\(summary.kits[.complete] ?? 0) references=\(refs)")
print(String(format: "wall_s=%.2f references_per_s=%.1f cpu_s=%.2f cpu_ms_per_reference=%.1f peak_rss_mib=%.0f", wallSeconds, Double(refs) / wallSeconds, cpu, cpu * 1000 / Double(max(refs, 1)), Double(after.ru_maxrss) / 1024))
