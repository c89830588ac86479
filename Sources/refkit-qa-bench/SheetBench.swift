import Foundation
import RefkitCore
import RefkitImaging

/// `--sheet [--runs N]`: what one studio contact sheet of 20 references costs. The references are
/// the preview provider's figures at the sizes stages are made in (4 turnaround views, avatar and
/// reference avatar, 2 body shots, 6 expressions, 6 scenes) with a 1024 x 1365 JPEG source; some
/// carry QA verdicts, one is a failed placeholder. Prints wall and CPU milliseconds per sheet and
/// the process's peak resident memory before and after drawing (the difference is what drawing added),
/// and the plain grid the sheet was before, for comparison.
/// With `--out FILE` the last sheet is written there, to look at.
func sheetBench(runs: Int) throws {
    let expressions = ["smile", "angry", "sad", "surprised", "wink", "neutral"].map(Stage.expression)
    let scenes = ["beach", "city", "forest", "night", "office", "snow"].map(Stage.scene)
    let stages: [Stage] = [.front, .profile, .side, .back, .avatar, .referenceAvatar, .halfBody, .fullBody] + expressions + scenes
    let verdicts: [QAVerdict?] = [.pass, .warn, .fail, nil, .skipped]
    var references: [StudioSheetContent.Reference] = []
    for (index, stage) in stages.enumerated() {
        let (width, height) = stage.imageSize
        let sketch = FigureSketch(
            view: FigureView(stage: stage) ?? .bust, colours: .seeded(UInt64(index)), width: width, height: height,
            seed: UInt64(index), label: "PREVIEW · \(stage.label)")
        let picture = index == 9 ? nil : try ImageOps.figure(sketch, face: nil).data
        references.append(.init(stage: stage, image: picture, verdict: verdicts[index % verdicts.count], note: "failed: safety_block"))
    }
    let source = try ImageOps.synthesize(width: 1024, height: 1365, seed: 7, format: "jpeg")
    let content = StudioSheetContent(
        title: "Bench kit", details: "2026-12-07 · complete · 19 of 20 references · preview preview-1", source: source,
        references: references)
    let inputs = references.compactMap(\.image).reduce(source.count) { $0 + $1.count }
    let before = peakResidentKiB()
    print("refkit-qa-bench --sheet: 20 references (\(inputs / 1024) KiB of PNG and JPEG), \(runs) runs, libvips \(Imaging.libraryVersion)")
    var sheet: EncodedImage?
    try measure("studio sheet", Array(repeating: [], count: runs)) { _ in sheet = try ImageOps.studioSheet(content) }
    // For comparison: the plain grid sheet.png was before (4 columns of 256 px cells, no marks).
    let tiles = references.compactMap { reference in reference.image.map { ($0, reference.stage.label) } }
    try measure("plain grid 4 x 256", Array(repeating: [], count: runs)) { _ in _ = try ImageOps.contactSheet(tiles, cell: 256) }
    if let sheet {
        print("sheet: \(sheet.width) x \(sheet.height) PNG, \(sheet.data.count / 1024) KiB")
        if let i = CommandLine.arguments.firstIndex(of: "--out"), i + 1 < CommandLine.arguments.count {
            try Data(sheet.data).write(to: URL(fileURLWithPath: CommandLine.arguments[i + 1]))
        }
    }
    print("peak resident: \(before / 1024) MiB before drawing, \(peakResidentKiB() / 1024) MiB after")
}

/// The process's peak resident set size (`ru_maxrss`, KiB on Linux).
func peakResidentKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}
