import RefkitCore
import Testing

@testable import RefkitImaging

/// The studio sheet's geometry, as a value: no images, no files.
@Suite("studio contact sheet layout")
struct StudioSheetLayoutTests {
    static let portrait = PixelSize(width: 768, height: 1024)
    static let square = PixelSize(width: 1024, height: 1024)
    static let landscape = PixelSize(width: 1280, height: 960)

    /// A full kit: the turnaround (3/4 square), avatar, body shots, three expressions, two scenes.
    static func fullKit(verdicts: [Stage: QAVerdict] = [:]) -> [StudioSheetLayout.Tile] {
        let stages: [Stage] =
            [.avatar, .referenceAvatar, .back, .side, .profile, .front, .halfBody, .fullBody]
            + ["smile", "angry", "sad"].map(Stage.expression) + ["beach", "city"].map(Stage.scene)
        return stages.map { StudioSheetLayout.Tile(stage: $0, picture: size(of: $0), verdict: verdicts[$0]) }
    }

    static func size(of stage: Stage) -> PixelSize {
        PixelSize(width: stage.imageSize.width, height: stage.imageSize.height)
    }

    static func layout(_ tiles: [StudioSheetLayout.Tile], source: PixelSize? = portrait, width: Int = 2048) -> StudioSheetLayout {
        StudioSheetLayout(title: "Mira", details: "2026-11-23 · complete", source: source, tiles: tiles, width: width)
    }

    @Test("at least 2048 px wide, however narrow it is asked to be, and everything inside it", arguments: [0, 1024, 2048, 3000])
    func width(asked: Int) {
        let layout = Self.layout(Self.fullKit(), width: asked)
        #expect(layout.width == max(2048, asked))
        let sheet = PixelRect(x: 0, y: 0, width: layout.width, height: layout.height)
        for cell in layout.cells {
            #expect(sheet.contains(cell.frame) && sheet.contains(cell.caption), "\(cell.label) \(cell.frame)")
            if let image = cell.image { #expect(cell.frame.contains(image), "\(cell.label) picture inside its cell") }
        }
        #expect(layout.titleBand.width == layout.width && layout.titleBand.y == 0)
        #expect(layout.titleBand.contains(layout.titleBox) && layout.titleBand.contains(layout.detailsBox))
        #expect(layout.rows.allSatisfy { $0.cells.allSatisfy { $0.frame.y >= layout.titleBand.maxY } })
    }

    @Test("the turnaround is the first row: front, 3/4 (profile), side, back, equal cells on one baseline")
    func turnaround() throws {
        let layout = Self.layout(Self.fullKit())
        let row = try #require(layout.rows.first)
        #expect(row.section == .turnaround)
        #expect(row.cells.map(\.stage) == [.front, .profile, .side, .back])
        #expect(row.cells.map(\.label) == ["FRONT VIEW", "3/4 PROFILE", "SIDE VIEW", "BACK VIEW"])
        let frames = row.cells.map(\.frame)
        #expect(Set(frames.map(\.width)).count == 1 && Set(frames.map(\.height)).count == 1, "same size: \(frames)")
        #expect(Set(frames.map(\.maxY)).count == 1 && Set(row.cells.map(\.caption.y)).count == 1, "one baseline")
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.maxX < $1.x }, "left to right, not overlapping")
        // The square 3/4 picture stands on the same baseline as the portrait ones.
        let images = row.cells.compactMap(\.image)
        #expect(images.count == 4 && Set(images.map(\.maxY)).count == 1, "\(images)")
        #expect(images[1].height < images[0].height && images[1].width == images[0].width)
    }

    @Test("the source is a larger cell at the left of the first row, labelled, on the row's baseline")
    func source() throws {
        let layout = Self.layout(Self.fullKit())
        let source = try #require(layout.source)
        let first = try #require(layout.rows.first?.cells.first)
        #expect(source.label == "SOURCE" && source.stage == nil)
        #expect(source.frame.maxX < first.frame.x, "left of the turnaround")
        #expect(source.frame.width > first.frame.width && source.frame.height > first.frame.height)
        #expect(source.frame.maxY == first.frame.maxY && source.caption.y == first.caption.y)
        #expect(layout.rows.dropFirst().allSatisfy { $0.cells[0].frame.x == source.frame.x }, "later rows start at the margin")
    }

    @Test("rows follow the turnaround: avatar, body, expressions, scenes, each headed, every cell labelled")
    func sections() {
        let layout = Self.layout(Self.fullKit())
        #expect(layout.rows.map(\.section) == [.turnaround, .avatar, .body, .expressions, .scenes])
        #expect(layout.rows[2].cells.map(\.stage) == [.halfBody, .fullBody])
        #expect(layout.rows[3].cells.map(\.label) == ["EXPRESSION · SMILE", "EXPRESSION · ANGRY", "EXPRESSION · SAD"])
        #expect(layout.rows.allSatisfy { $0.heading != nil })
        for (row, next) in zip(layout.rows, layout.rows.dropFirst()) {
            guard let heading = next.heading else { continue }
            #expect(heading.y > row.cells[0].caption.maxY, "\(next.section) heading below \(row.section)")
            #expect(heading.maxY <= next.cells[0].frame.y, "\(next.section) heading above its cells")
        }
        #expect(layout.cells.allSatisfy { !$0.label.isEmpty && $0.caption.height >= layout.captionSize })
        // Scenes are landscape cells two columns wide; expressions square ones.
        let scene = layout.rows[4].cells[0].frame
        let expression = layout.rows[3].cells[0].frame
        #expect(scene.width > scene.height && expression.width == expression.height && scene.width > 2 * expression.width)
    }

    @Test("candidates follow the avatar and a text-only plan's characters lead; face swaps come last")
    func otherSections() {
        let stages: [Stage] = [.swap("group"), .scene("dock"), .character("ana"), .candidate(2), .candidate(1), .avatar, .halfBody]
        let layout = Self.layout(stages.map { StudioSheetLayout.Tile(stage: $0, picture: Self.square) }, source: nil)
        #expect(layout.rows.map(\.section) == [.avatar, .candidates, .characters, .body, .scenes, .swaps])
        #expect(layout.rows[1].cells.map(\.label) == ["AVATAR CANDIDATE 2", "AVATAR CANDIDATE 1"], "in the order given")
        #expect(layout.rows.map { $0.heading != nil } == Array(repeating: true, count: 6))
    }

    @Test("a section wider than the sheet wraps into rows without a second heading")
    func wrapping() {
        let expressions = (1...8).map { StudioSheetLayout.Tile(stage: .expression("e\($0)"), picture: Self.square) }
        let layout = Self.layout(expressions, source: nil)
        #expect(layout.rows.map(\.cells.count) == [6, 2])
        #expect(layout.rows[0].heading != nil && layout.rows[1].heading == nil)
        #expect(layout.rows[1].cells[0].frame.x == layout.rows[0].cells[0].frame.x, "columns line up across rows")
    }

    @Test("a missing or failed stage is an empty labelled placeholder in its own slot")
    func placeholders() throws {
        var tiles = Self.fullKit().filter { $0.stage != .side && $0.stage != .fullBody }
        tiles.append(.init(stage: .fullBody, picture: nil, note: "failed: safety_block"))
        let layout = Self.layout(tiles)
        let turnaround = layout.rows[0].cells
        #expect(turnaround.map(\.stage) == [.front, .profile, .side, .back], "the row keeps its order")
        #expect(turnaround[2].image == nil && turnaround[2].note == "not in this kit" && turnaround[2].label == "SIDE VIEW")
        let side = try #require(turnaround[2].noteBox)
        #expect(turnaround[2].frame.contains(side))
        #expect(turnaround[2].frame.size == turnaround[3].frame.size && turnaround[2].frame.maxY == turnaround[3].frame.maxY)
        let body = layout.rows[2].cells
        #expect(body.map(\.stage) == [.halfBody, .fullBody])
        #expect(body[1].image == nil && body[1].note == "failed: safety_block" && body[1].badge == nil)
    }

    @Test("the QA badge lies in the picture's own top-right corner, portrait or landscape, in any cell")
    func badgeInsideImage() {
        let shapes = [Self.portrait, Self.square, Self.landscape, PixelSize(width: 300, height: 1200), PixelSize(width: 1600, height: 400)]
        for shape in shapes {
            let stages: [Stage] = [.front, .avatar, .halfBody, .expression("smile"), .scene("beach")]
            let tiles = stages.map { StudioSheetLayout.Tile(stage: $0, picture: shape, verdict: .warn) }
            for cell in Self.layout(tiles).cells where cell.stage != nil && cell.note == nil {
                guard let image = cell.image, let badge = cell.badge else {
                    Issue.record("\(cell.label) \(shape) has no badge")
                    continue
                }
                #expect(image.contains(badge), "\(cell.label) \(shape): badge \(badge) inside picture \(image)")
                #expect(image.maxX - badge.maxX <= badge.height / 2 + 2 && badge.y - image.y <= badge.height / 2 + 2, "in the corner")
                #expect(badge.width >= badge.height, "\(cell.label) \(shape): a readable badge")
            }
        }
    }

    @Test("pass, warn and fail get a badge, fail a red outline around the picture; skipped and unchecked nothing")
    func marks() throws {
        let verdicts: [Stage: QAVerdict] = [.front: .pass, .profile: .warn, .side: .fail, .back: .skipped]
        let cells = Self.layout(Self.fullKit(verdicts: verdicts)).rows[0].cells
        #expect(cells.map { $0.badge != nil } == [true, true, true, false])
        #expect(cells.map(\.verdict) == [.pass, .warn, .fail, nil])
        #expect(cells.map { $0.outline != nil } == [false, false, true, false])
        let side = cells[2]
        let outline = try #require(side.outline)
        let image = try #require(side.image)
        #expect(outline.contains(image) && outline != image && side.frame.contains(outline))
        #expect(image.x - outline.x == Self.layout([]).outlineThickness)
        #expect(Self.layout(Self.fullKit()).cells.allSatisfy { $0.badge == nil && $0.outline == nil }, "unchecked: no marks")
    }

    @Test("a kit without turnaround stages puts the source beside its first row; no source, no source cell")
    func otherFirstRows() throws {
        let core = [StudioSheetLayout.Tile(stage: .avatar, picture: Self.square)]
        let layout = Self.layout(core)
        #expect(layout.rows.map(\.section) == [.avatar])
        let source = try #require(layout.source)
        #expect(source.frame.maxY == layout.rows[0].cells[0].frame.maxY && source.frame.maxX < layout.rows[0].cells[0].frame.x)
        let textOnly = Self.layout([.init(stage: .character("ana"), picture: Self.portrait)], source: nil)
        #expect(textOnly.source == nil && textOnly.rows[0].cells[0].frame.x == textOnly.titleBox.x)
        let sourceOnly = Self.layout([])
        let alone = try #require(sourceOnly.source)
        #expect(sourceOnly.rows.isEmpty && sourceOnly.height > alone.caption.maxY)
    }
}

extension PixelRect {
    fileprivate var size: PixelSize { PixelSize(width: width, height: height) }
}
