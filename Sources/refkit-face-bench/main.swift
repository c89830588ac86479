// refkit-face-bench: what local face analysis costs (issue 15): model load time, resident memory
// after load, and per image the decode, HOG detection and embedding time at a 512 and 1024 px long
// side. Run through scripts/bench-faces.sh (release build, OPENBLAS_NUM_THREADS=1).
//
//   refkit-face-bench [--repeat N] [--upsample 0|1]
//
// Photos come from the QA fixtures folder (REFKIT_FIXTURES_DIR), models from REFKIT_MODELS_DIR.
import Foundation
import RefkitFaces
import RefkitImaging

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let index = args.firstIndex(of: name), index + 1 < args.count, let value = Int(args[index + 1]) else { return fallback }
    return value
}

/// A field of /proc/self/status in MiB, e.g. "VmRSS" (now) or "VmHWM" (peak).
func memoryMiB(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
        return kilobytes / 1024
    }
    return -1
}

/// Wall and CPU time of `body` in ms. CPU time of the process (libvips' and any BLAS worker threads
/// included) is what an analysis costs; wall time also counts waiting for a core, which on a machine
/// shared with builds can be several times more.
struct Timing {
    var wall: [Double] = []
    var cpu: [Double] = []
}

func processCPUms() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
}

func measure(_ timing: inout Timing, _ body: () throws -> Void) rethrows {
    let clock = ContinuousClock()
    let cpuStart = processCPUms()
    let elapsed = try clock.measure(body)
    timing.cpu.append(processCPUms() - cpuStart)
    timing.wall.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
}

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let repeats = max(1, argument("--repeat", 5))
let upsample = argument("--upsample", 0)
let environment = ProcessInfo.processInfo.environment
let fixtures = environment["REFKIT_FIXTURES_DIR"] ?? "/var/cache/refkit/fixtures"
let models = environment["REFKIT_MODELS_DIR"] ?? FaceModels.defaultDirectory

print("OPENBLAS_NUM_THREADS=\(environment["OPENBLAS_NUM_THREADS"] ?? "unset"), repeat \(repeats), upsample \(upsample)")
// Touch libvips first so its start-up is not counted as model loading.
_ = try ImageOps.rgbPixels(try ImageOps.synthesize(width: 64, height: 64, seed: 1, format: "png"))
let rssBefore = memoryMiB("VmRSS")
var analyzer: FaceAnalyzer?
var load = Timing()
try measure(&load) { analyzer = try FaceAnalyzer.open(modelsDirectory: models) }
guard let analyzer else { fatalError("unreachable: open either returns or throws") }
let rssAfter = memoryMiB("VmRSS")
let loadAverage =
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
    .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
print("load average: \(loadAverage) (wall times include waiting for a core; cpu times do not)")
print(
    String(
        format: "model load: %.0f ms wall, %.0f ms cpu; RSS %.1f MiB before, %.1f MiB after (+%.1f)",
        load.wall[0], load.cpu[0], rssBefore, rssAfter, rssAfter - rssBefore))
print("medians in ms (wall / cpu); embed = (detect+embed - detect) per face")
print("image          long  pixels     decode         detect         detect+embed   embed/face     faces  pose          score")
let names = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "astronaut.png", "coffee.png", "black"]
func pair(_ timing: Timing) -> String {
    timing.wall.isEmpty ? "-" : String(format: "%6.1f / %5.1f", median(timing.wall), median(timing.cpu))
}
// The best face's embedding per image and size, for the distance table after the timings.
var embeddings: [Int: [(String, FaceEmbedding)]] = [:]
for longSide in [512, 1024] {
    for name in names {
        var pixels = try RGBPixels.solid(width: longSide, height: longSide, red: 0, green: 0, blue: 0)
        var decode = Timing()
        if name != "black" {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name)")))
            for _ in 0..<repeats { try measure(&decode) { pixels = try ImageOps.rgbPixels(bytes, maxLongSide: longSide) } }
        }
        var detect = Timing()
        var both = Timing()
        var faces: [DetectedFace] = []
        for _ in 0..<repeats {
            try measure(&detect) { faces = try analyzer.analyze(pixels: pixels, upsample: upsample, embeddings: false) }
            try measure(&both) { faces = try analyzer.analyze(pixels: pixels, upsample: upsample, embeddings: true) }
        }
        var embed = Timing()
        if !faces.isEmpty {
            embed.wall = [(median(both.wall) - median(detect.wall)) / Double(faces.count)]
            embed.cpu = [(median(both.cpu) - median(detect.cpu)) / Double(faces.count)]
        }
        let columns = [
            padded(name, 14), padded(String(longSide), 4), padded("\(pixels.width)x\(pixels.height)", 9), padded(pair(decode), 14),
            padded(pair(detect), 14), padded(pair(both), 14), padded(pair(embed), 14), padded(String(faces.count), 5),
            padded(faces.first?.pose?.rawValue ?? "-", 12), faces.first.map { String(format: "%.2f", $0.score) } ?? "-",
        ]
        print(columns.joined(separator: " "))
        if let embedding = faces.first?.embedding { embeddings[longSide, default: []].append((name, embedding)) }
    }
}
// Distances that the identity thresholds rest on, at each size (same person < 0.5, others > 0.65 in the tests).
for longSide in [512, 1024] {
    let found = embeddings[longSide] ?? []
    guard let reference = found.first(where: { $0.0 == "obama.jpg" }) else { continue }
    let distances = found.filter { $0.0 != reference.0 }.map { "\($0.0) \(String(format: "%.3f", reference.1.distance(to: $0.1)))" }
    print("distance to obama.jpg at \(longSide) px: " + distances.joined(separator: ", "))
}
print(String(format: "RSS at the end %.1f MiB, peak %.1f MiB", memoryMiB("VmRSS"), memoryMiB("VmHWM")))
