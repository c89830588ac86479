import Foundation
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitStore

/// Issue 17, item 2: a follow-up order asking a kit for images (`{"kit": NAME, "images": [...]}`),
/// as `refkit make` and `POST /api/v1/kits/{id}/images` write it into the kit's watch inbox.
/// Intake stays the only door: the file is taken as if a person had dropped it, and the checks
/// made here (the same validator, the same provider check) only answer the caller at once.
public struct KitImagesOrder: Sendable {
    /// The kit asked for images.
    public let kit: KitRecord
    /// The kit's watch, whose inbox takes the order.
    public let watch: Configuration.Watch
    /// The order as validated (`OrderValidator`), naming the kit.
    public let order: Order

    /// Validates `images` (the order key's JSON) as an order on `kit`: errors name the JSON
    /// path (`$.images[0].count`); a kit that failed or has no avatar, a watch that is gone, or
    /// a provider that is not configured are refused as intake would refuse them.
    public init(kit: KitRecord, images: JSONValue, configuration: Configuration, kitOrder: Order) throws(RefkitError) {
        guard let watch = configuration.watch(named: kit.watch) else {
            throw RefkitError(.watchMissing, "the kit's watch is no longer configured", detail: kit.watch)
        }
        guard !kit.textOnly else {
            throw RefkitError(
                .orderKitHasNoFace, "images are made from a kit's locked avatar, and this kit has none",
                detail: "\(kit.name) is a text-only plan")
        }
        guard kit.status != .failed else {
            throw RefkitError(
                .orderKitFailed, "the kit failed (it has no avatar to work from)",
                detail: "run `\(ShellWord.command(["refkit", "retry", kit.name]))` first")
        }
        let json = JSONValue.object([("schema", .string(Order.schema)), ("kit", .string(kit.name)), ("images", images)])
        let order = try OrderValidator.validate(json: json)
        if let problem = configuration.providerProblem(for: order, watch: watch.name, kit: kitOrder) { throw problem }
        self.kit = kit
        self.watch = watch
        self.order = order
    }

    /// The stages intake will plan for the order (those the kit has already are skipped there).
    public var stages: [Stage] { KitPlan.followUp(for: order).stages }

    /// Where the images appear: the kit's outbox folder's `images/`.
    public var imagesFolder: String {
        (kit.outboxDir ?? "\((watch.outbox as NSString).standardizingPath)/\(kit.slug)") + "/images"
    }

    /// Writes the order into the watch's inbox (temporary name, then rename) as `SLUG-images.json`,
    /// or `SLUG-images-2.json`, … when that name is waiting there; returns the file's name.
    public func write() throws -> String {
        let upload = WebUpload(watch: watch.name, stem: "\(kit.slug)-images", order: order.jsonValue.serialized)
        return try upload.write(into: watch.inbox).first ?? ""
    }

    /// An id for an image of `prompt` when none is given: its first words as a slug (`red-dress`),
    /// with `-2`, `-3`, … when the kit already has images of that id.
    public static func freeID(prompt: String, taken: Set<String>) -> String {
        // `slug` says `kit` for a text with nothing to keep: such a prompt gives `image`.
        let hasWords = prompt.unicodeScalars.contains { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        let words = hasWords ? SafeName.slug(prompt).split(separator: "-").prefix(4).joined(separator: "-") : ""
        var base = String(words.prefix(40))
        while base.hasSuffix("-") { base.removeLast() }
        if base.isEmpty || !SafeName.isSafeIdentifier(base) { base = "image" }
        var id = base
        var n = 2
        while taken.contains(id) {
            id = "\(base)-\(n)"
            n += 1
        }
        return id
    }

    /// The ids of the made images a kit has (`red-dress` of `image:red-dress-1`).
    public static func imageIDs(of stages: [Stage]) -> Set<String> {
        Set(stages.compactMap { if case .image(let id, _) = $0 { id } else { nil } })
    }
}

extension WebUpload {
    /// An order alone, for `stem.json` in the watch's inbox.
    init(watch: String, stem: String, order: String) {
        self.watch = watch
        self.stem = stem
        self.image = nil
        self.order = order
    }
}

extension KitImagesOrder {
    /// The `images` entry the kit page's form describes (`prompt`, `count`, `aspect`,
    /// `negative_prompt`, `keep_outfit`, `id`), its id made from the prompt when the form has
    /// none. Values are passed on as given, so the validator names what is wrong (`$.images[0].count`).
    public static func entry(fromForm form: WebForm, taken: Set<String>) -> JSONValue {
        func text(_ name: String) -> String? {
            form[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let prompt = text("prompt") ?? ""
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(text("id") ?? freeID(prompt: prompt, taken: taken))), ("prompt", .string(prompt)),
        ]
        if let count = text("count") { members.append(("count", Int(count).map(JSONValue.integer) ?? .string(count))) }
        if let aspect = text("aspect") { members.append(("aspect", .string(aspect))) }
        if let negative = text("negative_prompt") { members.append(("negative_prompt", .string(negative))) }
        if form["keep_outfit"] != nil { members.append(("keep_outfit", .bool(true))) }
        return .object(members)
    }
}
