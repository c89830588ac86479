import RefkitCore
import RefkitStore

// Issue 17, item 2: images are made from a kit's locked avatar.
extension IntakeService {
    /// A follow-up asking a text-only kit (which has no avatar) for images.
    static func imagesNeedAFace(_ kit: KitRecord) -> RefkitError {
        RefkitError(
            .orderKitHasNoFace, "images are made from a kit's locked avatar, and this kit has none",
            detail: "\(kit.name) is a text-only plan: ask a kit made from a source image")
    }
}
