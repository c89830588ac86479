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

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
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
let loadMs = try milliseconds { analyzer = try FaceAnalyzer.open(modelsDirectory: models) }
guard let analyzer else { fatalError("unreachable: open either returns or throws") }
let rssAfter = memoryMiB("VmRSS")
print(String(format: "model load: %.0f ms; RSS %.1f MiB before, %.1f MiB after (+%.1f)", loadMs, rssBefore, rssAfter, rssAfter - rssBefore))

print("image          long  size       decode_ms  detect_ms  detect+embed_ms  embed_ms_per_face  faces  pose      score")
let names = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "astronaut.png", "coffee.png", "black"]
for longSide in [512, 1024] {
    for name in names {
        var pixels = try RGBPixels.solid(width: longSide, height: longSide, red: 0, green: 0, blue: 0)
        var decode: [Double] = []
        if name != "black" {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name)")))
            for _ in 0..<repeats { decode.append(try milliseconds { pixels = try ImageOps.rgbPixels(bytes, maxLongSide: longSide) }) }
        }
        var detect: [Double] = []
        var both: [Double] = []
        var faces: [DetectedFace] = []
        for _ in 0..<repeats {
            detect.append(try milliseconds { faces = try analyzer.analyze(pixels: pixels, upsample: upsample, embeddings: false) })
            both.append(try milliseconds { faces = try analyzer.analyze(pixels: pixels, upsample: upsample, embeddings: true) })
        }
        let perFace = faces.isEmpty ? 0 : (median(both) - median(detect)) / Double(faces.count)
        let line = String(
            format: "%-14@ %4d  %4dx%-4d  %9.1f  %9.1f  %15.1f  %17.1f  %5d  %-8@  %5.2f",
            name as NSString, longSide, pixels.width, pixels.height, decode.isEmpty ? 0 : median(decode), median(detect), median(both),
            perFace, faces.count, (faces.first?.pose?.rawValue ?? "-") as NSString, faces.first?.score ?? 0)
        print(line)
    }
}
print(String(format: "RSS at the end %.1f MiB, peak %.1f MiB", memoryMiB("VmRSS"), memoryMiB("VmHWM")))
