import RefkitCore
import RefkitService
import RefkitStore

// Issue 17, item 2: `POST /api/v1/kits/{id}/images` with `{"images": [...]}` (the order key's
// objects) writes the follow-up order into the kit's watch inbox, as `refkit make` does; the kit
// page's form does the same and answers 303.
extension WebApp {
    func makeImages(_ reference: String, _ body: WebJSONBody) throws -> JSONValue {
        try body.only(["images"])
        guard let images = body.members["images"] else {
            throw WebProblem(400, "bad_request", "\"images\" is a list of {\"id\", \"prompt\", \"count\", ...}")
        }
        return try makeImages(reference, images: images)
    }

    func makeImages(_ reference: String, images: JSONValue) throws -> JSONValue {
        guard let kit = try database.kit(reference) else { throw Self.unknownKit(reference) }
        let kitOrder = try database.kitOrder(kitID: kit.id)
        let drop: KitImagesOrder
        do throws(RefkitError) {
            drop = try KitImagesOrder(kit: kit, images: images, configuration: configuration, kitOrder: kitOrder)
        } catch {
            // The detail names the JSON path (`$.images[0].count`): the caller needs it to fix the body.
            let status = error.code == .watchMissing ? 409 : Self.status(of: error)
            throw WebProblem(status, error.code.rawValue, error.detail.isEmpty ? error.message : "\(error.message): \(error.detail)")
        }
        let file = try drop.write()
        logger.info(
            "images order written into the inbox", metadata: ["kit": "\(kit.name)", "watch": "\(drop.watch.name)", "file": "\(file)"])
        return .object([
            ("kit_id", .string(kit.id)), ("kit", .string(kit.name)), ("watch", .string(drop.watch.name)), ("file", .string(file)),
            ("stages", .array(drop.stages.map { .string($0.name) })),
            ("files", .array(drop.stages.map { .string($0.fileName) })),
            ("note", .string("intake takes the order as if dropped; the images appear in the kit's images/ folder")),
        ])
    }

    /// The kit page's form: the same order as the API's, then back to the kit's page (303).
    func imagesForm(_ reference: String, _ request: HTTPRequest) throws -> HTTPResponse {
        guard let kit = try database.kit(reference) else { throw Self.unknownKit(reference) }
        let taken = KitImagesOrder.imageIDs(of: try database.stages(kitID: kit.id).map(\.stage))
        let entry = KitImagesOrder.entry(fromForm: WebForm(body: request.body), taken: taken)
        _ = try makeImages(kit.id, images: .array([entry]))
        return Self.redirect(WebLinks.kit(kit.id))
    }
}
