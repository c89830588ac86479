import RefkitCore

/// The input JSON of a hosted app (fal) or model (Replicate), which take the same settings:
/// `prompt_field`; `images_field` (a list: source, locked reference, references) or
/// `image_field` (one image: the locked reference, else the source); for face-swap apps
/// `target_field` and `face_field` (a `swap:` stage's target and the kit's locked face, each
/// under its own name); for depth-ControlNet apps `control_image_field` (the image
/// `ControlImageChoice` picks for the stage); then `seed`, then the request's fixed `inputs`.
/// Images go as data URIs.
struct AppInput {
    let settings: ProviderSettings
    /// The one-image field when none is configured (fal: `image_url`; Replicate: `input_image`).
    let defaultImageField: String

    func json(_ request: GenerationRequest) -> JSONValue {
        func field(_ key: String) -> String? { settings.extra[key].flatMap { $0.isEmpty ? nil : $0 } }
        var members: [(key: String, value: JSONValue)] = [(field("prompt_field") ?? "prompt", .string(request.prompt))]
        func add(_ key: String, _ image: ReferenceImage) { members.append((key, .string(PolledJob.dataURI(image)))) }
        let control = field("control_image_field")
        if case .swap = request.stage, let target = field("target_field"), let face = field("face_field") {
            // A face-swap app takes the picture to change and the face to put on it separately.
            if let image = request.source { add(target, image) }
            if let image = request.lockedReference { add(face, image) }
        } else if let list = field("images_field") {
            let images = [request.source, request.lockedReference].compactMap { $0 } + request.references
            if !images.isEmpty { members.append((list, .array(images.map { .string(PolledJob.dataURI($0)) }))) }
        } else if control == nil || field("image_field") != nil,
            let one = request.lockedReference ?? request.source ?? request.references.first
        {
            // A control app without an image field of its own gets only its control image.
            add(field("image_field") ?? defaultImageField, one)
        }
        if let control, let image = request.controlImage { add(control, image) }
        members.append(("seed", .integer(request.seed31)))  // 32-bit seeds
        if case .object(let fixed)? = request.inputs {
            // Start-up and intake refuse inputs naming refkit's own fields; were one to get here
            // anyway, the stage's own value wins.
            for (key, value) in fixed where !members.contains(where: { $0.key == key }) { members.append((key, value)) }
        }
        return .object(members)
    }
}

extension GenerationRequest {
    /// The stage's control image, as `ControlImageChoice` picks it (issue 17 item 4).
    public var controlImage: ReferenceImage? {
        let choice = ControlImageChoice.choose(
            for: stage, hasSource: source != nil, hasLockedReference: lockedReference != nil, hasReferences: !references.isEmpty)
        switch choice {
        case .source?: return source
        case .lockedReference?: return lockedReference
        case .firstReference?: return references.first
        case nil: return nil
        }
    }
}
