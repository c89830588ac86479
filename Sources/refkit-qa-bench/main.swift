// refkit-qa-bench: what QA's one-decode fingerprint and health cost per reference (issue 15).
//
//   swift run -c release refkit-qa-bench [--images N] [--side 1024] [--photos DIR [--models DIR]]
//   swift run refkit-qa-bench --sheet [--runs 5] [--out FILE]   (the studio contact sheet: SheetBench.swift)
//
// Makes N synthetic pictures (PNG and JPEG, as providers answer) of side x side pixels, then
// for each format prints the milliseconds per image (median, mean, min) of a strict decode alone
// (what every answer already pays) and of `ImageOps.fingerprint` (decode + stats + both
// thumbnails + four hashes), with the process CPU time per image. Single-threaded on purpose:
// the stage executor runs one check at a time per reference.
import Foundation
import RefkitCore
import RefkitFaces
import RefkitImaging
import RefkitPipeline
import RefkitQA

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let value = Int(args[i + 1]) { return value }
    return fallback
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

/// Runs `body` on every image; prints wall milliseconds per image and CPU per image.
func measure(_ label: String, _ images: [[UInt8]], _ body: ([UInt8]) throws -> Void) throws {
    var wall: [Double] = []
    let cpuBefore = cpuSeconds()
    for image in images {
        let start = ContinuousClock.now
        try body(image)
        let elapsed = ContinuousClock.now - start
        wall.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
    }
    let cpu = (cpuSeconds() - cpuBefore) / Double(images.count) * 1e3
    let sorted = wall.sorted()
    let mean = wall.reduce(0, +) / Double(wall.count)
    print(
        String(
            format: "%-22@ median %7.2f ms  mean %7.2f ms  min %7.2f ms  cpu %7.2f ms/image",
            label as NSString, sorted[sorted.count / 2], mean, sorted[0], cpu))
}

let count = max(1, argument("--images", 20))
let side = max(64, argument("--side", 1024))
Imaging.initialise()
if CommandLine.arguments.contains("--sheet") {
    try sheetBench(runs: max(1, argument("--runs", 5)))
    exit(0)
}
print("refkit-qa-bench: \(count) images of \(side)x\(side), libvips \(Imaging.libraryVersion)")
for format in ["png", "jpeg"] {
    let images = try (0..<count).map { try ImageOps.synthesize(width: side, height: side, seed: UInt64($0 + 1), format: format) }
    try measure("\(format) decode only", images) { try ImageOps.verifyDecode($0) }
    try measure("\(format) fingerprint", images) { _ = try ImageOps.fingerprint($0) }
}

// Hash distances on the same pictures: what the duplicate and mirror thresholds (6 and 8 bits,
// plain > 12) separate. Re-encoded: a 400 px JPEG of the PNG; flipped: the PNG mirrored.
let pictures = try (0..<count).map { try ImageOps.synthesize(width: side, height: side, seed: UInt64($0 + 1), format: "png") }
let prints = try pictures.map { try ImageOps.fingerprint($0).fingerprint }
var reencoded: [(Int, Int)] = []
var mirrored: [(Int, Int, Int)] = []
for (bytes, original) in zip(pictures, prints) {
    let copy = try ImageOps.fingerprint(ImageOps.normaliseSource(bytes, maxLongSide: 400, quality: 70).data).fingerprint
    let d = copy.distance(to: original)
    reencoded.append((d.phash, d.dhash))
    let flip = try ImageOps.fingerprint(ImageOps.mirrored(bytes).data).fingerprint
    mirrored.append((flip.mirrorDistance(to: original).phash, flip.mirrorDistance(to: original).dhash, flip.distance(to: original).phash))
}
var different: [Int] = []
for i in prints.indices { for j in prints.indices where j > i { different.append(prints[i].distance(to: prints[j]).phash) } }
print("re-encoded 400 px JPEG: pHash max \(reencoded.map(\.0).max()!), dHash max \(reencoded.map(\.1).max()!)")
print(
    "flipped: pHash vs flip max \(mirrored.map(\.0).max()!), dHash vs flip max \(mirrored.map(\.1).max()!), "
        + "pHash plain min \(mirrored.map(\.2).min()!)")
if let closest = different.min() { print("different pictures (\(different.count) pairs): pHash min \(closest)") }

// --photos DIR: the same on real photographs (e.g. /var/cache/refkit/fixtures, which
// scripts/install-models.sh fills): each scaled to 1024 px as a JPEG first, as providers answer.
if let i = CommandLine.arguments.firstIndex(of: "--photos"), i + 1 < CommandLine.arguments.count {
    let folder = CommandLine.arguments[i + 1]
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted()
    let photos = try names.map { name in
        try ImageOps.normaliseSource([UInt8](FileManager.default.contents(atPath: "\(folder)/\(name)") ?? Data()), maxLongSide: 1024).data
    }
    print("\(photos.count) photos from \(folder) at 1024 px")
    try measure("photo fingerprint", photos) { _ = try ImageOps.fingerprint($0) }
    let measured = try photos.map { try ImageOps.fingerprint($0) }
    for (index, (print_, health)) in measured.enumerated() {
        let name = names[index]
        let copy = try ImageOps.fingerprint(ImageOps.normaliseSource(photos[index], maxLongSide: 512, quality: 75).data)
        let flip = try ImageOps.fingerprint(ImageOps.mirrored(photos[index]).data).fingerprint
        let d = copy.fingerprint.distance(to: print_)
        print(
            String(
                format: "%-24@ %4dx%-4d dev %5.1f-%5.1f  512px copy p%2d d%2d  flip: vs flip p%2d d%2d, plain p%2d d%2d",
                name as NSString, health.width, health.height, health.stddevMin, health.stddevMax, d.phash, d.dhash,
                flip.mirrorDistance(to: print_).phash, flip.mirrorDistance(to: print_).dhash,
                flip.distance(to: print_).phash, flip.distance(to: print_).dhash))
    }
    var pairs: [(String, Int, Int, Int)] = []
    for a in measured.indices {
        for b in measured.indices where b > a {
            let (x, y) = (measured[a].fingerprint, measured[b].fingerprint)
            pairs.append(("\(names[a]) / \(names[b])", x.distance(to: y).phash, x.distance(to: y).dhash, x.mirrorDistance(to: y).phash))
        }
    }
    for pair in pairs.sorted(by: { $0.1 < $1.1 }).prefix(5) {
        print("closest different: \(pair.0): pHash \(pair.1), dHash \(pair.2), pHash vs flip \(pair.3)")
    }

    // --models DIR: the whole local QA of one reference as the pipeline runs it (QAInspector:
    // fingerprint and health, dlib faces at 1024 px with embeddings against the identity
    // reference, the five local checks), per photo, with the models loaded once beforehand.
    if let m = CommandLine.arguments.firstIndex(of: "--models"), m + 1 < CommandLine.arguments.count {
        let loadCPU = cpuSeconds()
        let analyzer = try FaceAnalyzer.open(modelsDirectory: CommandLine.arguments[m + 1])
        print(String(format: "face models loaded: %.0f ms CPU", (cpuSeconds() - loadCPU) * 1e3))
        let inspector = QAInspector(analyzer: analyzer, thresholds: QAThresholds())
        let reference = try inspector.reference(photos[0], file: "avatar.png")
        let others = [NamedFingerprint(file: "front.png", fingerprint: measured[0].fingerprint)]
        for stage in [Stage.referenceAvatar, .side, .back, .halfBody] {
            try measure("local QA \(stage.name)", photos) {
                _ = try inspector.inspect(
                    stage: stage, candidate: $0, reference: reference, others: others, enabled: Set(QACheckID.allCases))
            }
        }
    }
}
