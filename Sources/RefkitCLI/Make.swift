import ArgumentParser
import Foundation
import RefkitCore
import RefkitStore
import RefkitWeb

// Issue 17, item 2: `refkit make` asks a finished kit for new images of its character.
extension RefkitCommand {
    struct Make: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make new images of a kit's character from your own prompt (into OUTBOX/KIT/images/).",
            discussion: """
                The images are made from the kit's locked avatar and its best references (QA-passed views \
                first), so the character keeps its face, hair and build; the prompt decides everything else. \
                The outfit follows your words unless you give --keep-outfit.

                Writes the follow-up order {"kit": "KIT", "images": [{"id", "prompt", "count", ...}]} into \
                the kit's watch inbox, where the running daemon takes it like a dropped file; each image is \
                the stage image:ID-N, published as images/ID-N.png and listed in the kit's manifest. Without \
                --id the id is made from the prompt's first words.

                The daemon (refkit run) makes them; follow them with `refkit show KIT` or the kit's page. \
                Any --provider and --model are checked against the configuration first.

                Examples:
                  refkit make mira --prompt "in a coffee shop, morning light" --count 4
                  refkit make mira --prompt "a red dress at sunset" --aspect 3:4 --negative hat
                  refkit make mira --prompt "reading on a train" --keep-outfit --provider fal
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        @Option(help: ArgumentHelp("What the character does, wears, where (the image's own words).", valueName: "text"))
        var prompt: String

        @Option(help: ArgumentHelp("How many images, each with its own seed (1-\(Stage.maxImages)).", valueName: "n"))
        var count = 1

        @Option(help: ArgumentHelp("The images' id: images/ID-1.png, ... (default: from the prompt).", valueName: "id"))
        var id: String?

        @Option(help: ArgumentHelp("What the images must not show (for providers that take it).", valueName: "text"))
        var negative: String?

        @Option(help: ArgumentHelp("The aspect ratio: \(ImageAspect.names).", valueName: "ratio"))
        var aspect = ImageAspect.square.rawValue

        @Flag(help: "Keep the outfit of the kit's references (by default the prompt dresses the character).")
        var keepOutfit = false

        @Option(help: ArgumentHelp("A configured provider for these images only (default: the kit's).", valueName: "name"))
        var provider: String?

        @Option(help: ArgumentHelp("A model for these images only (default: the provider's).", valueName: "model"))
        var model: String?

        func validate() throws {
            guard (1...Stage.maxImages).contains(count) else { throw ValidationError("--count is 1 to \(Stage.maxImages)") }
            guard ImageAspect(rawValue: aspect) != nil else { throw ValidationError("--aspect is one of \(ImageAspect.names)") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            guard let record = try database.kit(kit) else {
                throw CLIError(code: 1, message: "kit_unknown: no kit has this id, name or slug: \(kit) (see `refkit kits`)")
            }
            let taken = KitImagesOrder.imageIDs(of: try database.stages(kitID: record.id).map(\.stage))
            var entry: [(key: String, value: JSONValue)] = [
                ("id", .string(id ?? KitImagesOrder.freeID(prompt: prompt, taken: taken))), ("prompt", .string(prompt)),
                ("count", .integer(count)), ("aspect", .string(aspect)), ("keep_outfit", .bool(keepOutfit)),
            ]
            if let negative { entry.append(("negative_prompt", .string(negative))) }
            if let provider { entry.append(("provider", .string(provider))) }
            if let model { entry.append(("model", .string(model))) }
            let kitOrder = try database.kitOrder(kitID: record.id)
            let drop = try KitCommandRunner.run {
                try KitImagesOrder(kit: record, images: .array([.object(entry)]), configuration: configuration, kitOrder: kitOrder)
            }
            let file = try KitCommandRunner.run { try drop.write() }
            let names = drop.stages.map { ($0.fileName as NSString).lastPathComponent }
            if let id, taken.contains(id) {
                print("note: \(record.name) already has images of id \(id): only those it lacks are made (another --id makes new ones)")
            }
            print("\(record.name): \(names.count) image\(names.count == 1 ? "" : "s") asked (\(names.joined(separator: ", ")))")
            print("order written to \(drop.watch.inbox)/\(file); the running daemon makes them into \(drop.imagesFolder)/")
        }
    }
}
