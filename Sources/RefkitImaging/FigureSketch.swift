import Foundation
import RefkitCore

/// Which view a preview figure shows; each looks like what the stage asks a real provider for.
public enum FigureView: Sendable, Equatable {
    /// A frontal head-and-shoulders (the reference avatar).
    case bust
    /// The full figure facing the viewer, stylised with a large head.
    case front
    /// A full-figure profile silhouette facing left: a nose bump, one eye, no frontal face.
    case side
    /// The full figure from behind: hair over the whole head, no eyes, no mouth.
    case back
    /// Head and shoulders turned about 45 degrees (the `profile` stage, labelled "3/4 PROFILE").
    case threeQuarter
    /// Waist up, facing the viewer, hands visible.
    case halfBody
    /// Head to feet, facing the viewer, with a smaller head and another pose than `front`.
    case fullBody
    /// A frontal bust with the named expression and a layout of its own.
    case expression(String)
    /// The figure small on a scene-tinted background.
    case scene(String)

    /// The view a stage is drawn as; nil for stages that are not drawn figures (the avatar and
    /// its candidates are crops of the source, text-only characters are cards, face swaps work
    /// on their target image).
    public init?(stage: Stage) {
        switch stage {
        case .referenceAvatar: self = .bust
        case .front: self = .front
        case .side: self = .side
        case .back: self = .back
        case .profile: self = .threeQuarter
        case .halfBody: self = .halfBody
        case .fullBody: self = .fullBody
        case .expression(let name): self = .expression(name)
        case .scene(let id): self = .scene(id)
        case .avatar, .candidate, .character, .swap, .image: return nil
        }
    }

    /// Whether the character's own face belongs on this view: a pasted photographed face would
    /// be a face where QA must find none (back) or a frontal face in a turned view.
    public var showsFrontalFace: Bool {
        switch self {
        case .bust, .front, .halfBody, .fullBody, .expression: true
        case .side, .back, .threeQuarter, .scene: false
        }
    }
}

/// The character's colours a figure is drawn in.
public struct FigureColours: Sendable, Equatable {
    public var hair: RGBColour
    public var skin: RGBColour
    public var outfit: RGBColour
    public var background: RGBColour

    /// Colours given part by part.
    public init(hair: RGBColour, skin: RGBColour, outfit: RGBColour, background: RGBColour) {
        self.hair = hair
        self.skin = skin
        self.outfit = outfit
        self.background = background
    }

    static let skins = [RGBColour(241, 200, 160), RGBColour(224, 172, 120), RGBColour(190, 130, 80), RGBColour(140, 90, 55)]
    static let hairs = [RGBColour(40, 30, 25), RGBColour(110, 70, 40), RGBColour(200, 160, 90), RGBColour(150, 60, 30)]
    static let outfits = [RGBColour(50, 110, 60), RGBColour(40, 90, 170), RGBColour(170, 50, 50), RGBColour(110, 60, 140)]

    /// Colours chosen by the seed alone, for characters known only by name.
    public static func seeded(_ seed: UInt64) -> FigureColours {
        var random = SeededGenerator(seed: seed ^ 0xF16)
        return FigureColours(
            hair: hairs[random.below(hairs.count)], skin: skins[random.below(skins.count)],
            outfit: outfits[random.below(outfits.count)], background: CanvasPalette.forSeed(seed).background)
    }

    /// Colours read from a prompt's attribute words ("auburn hair", "wearing a blue sweater");
    /// parts the text does not name are chosen by `key` (the kit id, so every view agrees).
    public static func described(_ text: String, key: String) -> FigureColours {
        var colours = seeded(FigureExpression.nameSeed(key))
        let lower = text.lowercased()
        if let hairEnd = lower.range(of: " hair") {
            let before = lower[..<hairEnd.lowerBound].split(whereSeparator: { $0 == "," || $0 == "(" }).last ?? ""
            if let named = ColourNames.last(in: String(before)) { colours.hair = named }
        }
        if let wearing = lower.range(of: "wearing ") {
            let clause = lower[wearing.upperBound...].prefix { $0 != "," && $0 != "." && $0 != "—" && $0 != "(" }
            if let named = ColourNames.last(in: String(clause)) { colours.outfit = named }
        }
        return colours
    }
}

/// Everything a preview figure is drawn from: the view, the character's colours, the size and
/// the seed. A value: `shapes()` lays it out without any I/O, `ImageOps.figure` draws it.
public struct FigureSketch: Sendable, Equatable {
    public var view: FigureView
    public var colours: FigureColours
    public var width: Int
    public var height: Int
    public var seed: UInt64
    /// The text of the label band ("PREVIEW · SIDE VIEW").
    public var label: String
    /// A photographed face is pasted over `headBox`, so the drawn face is left out.
    public var pastesFace: Bool

    /// A sketch of `view`; `pastesFace` is honoured only on views that show a frontal face.
    public init(view: FigureView, colours: FigureColours, width: Int, height: Int, seed: UInt64, label: String, pastesFace: Bool = false) {
        self.view = view
        self.colours = colours
        self.width = width
        self.height = height
        self.seed = seed
        self.label = label
        self.pastesFace = pastesFace && view.showsFrontalFace
    }

    /// The height of the label band at the bottom; the figure is drawn above it.
    public var band: Int { max(24, height / 8) }
}

/// Colour words an order's attributes use, mapped to a drawable colour.
enum ColourNames {
    static let table: [(String, RGBColour)] = [
        ("black", RGBColour(25, 22, 22)), ("dark brown", RGBColour(70, 45, 30)), ("light brown", RGBColour(160, 110, 70)),
        ("brown", RGBColour(110, 70, 40)), ("auburn", RGBColour(140, 60, 30)), ("ginger", RGBColour(190, 90, 40)),
        ("red", RGBColour(180, 45, 45)), ("blonde", RGBColour(225, 195, 110)), ("blond", RGBColour(225, 195, 110)),
        ("golden", RGBColour(215, 170, 70)), ("grey", RGBColour(150, 150, 150)), ("gray", RGBColour(150, 150, 150)),
        ("silver", RGBColour(195, 195, 200)), ("white", RGBColour(240, 240, 235)), ("pink", RGBColour(230, 140, 170)),
        ("purple", RGBColour(110, 60, 140)), ("navy", RGBColour(30, 40, 90)), ("blue", RGBColour(40, 90, 170)),
        ("teal", RGBColour(30, 120, 120)), ("green", RGBColour(50, 120, 60)), ("orange", RGBColour(230, 130, 30)),
        ("yellow", RGBColour(235, 205, 60)),
    ]

    /// The colour word nearest the end of `text` (the one closest to the noun it describes).
    static func last(in text: String) -> RGBColour? {
        var best: (position: String.Index, colour: RGBColour)?
        for (name, colour) in table {
            guard let found = text.range(of: name, options: .backwards) else { continue }
            // "dark brown" and "brown" end at the same place: the longer, earlier-listed name wins.
            if best == nil || found.upperBound > best!.position { best = (found.upperBound, colour) }
        }
        return best?.colour
    }
}
