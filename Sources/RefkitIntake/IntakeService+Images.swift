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

extension IntakeService {
    /// `order_character_failed` when a new scene of a text-only kit shows a character whose
    /// reference failed or was skipped: the scene could never run, and the kit would wait for it
    /// forever. Nil when every character it waits for is done or still to be made.
    func failedCharacter(in plan: KitPlan, kit: KitRecord) -> RefkitError? {
        guard let stages = try? database.stages(kitID: kit.id) else { return nil }
        let status = Dictionary(stages.map { ($0.stage, $0.status) }, uniquingKeysWith: { first, _ in first })
        for step in plan.steps where status[step.stage] == nil {
            guard let dead = step.dependencies.first(where: { status[$0] == .failed || status[$0] == .skipped }) else { continue }
            let who = if case .character(let name) = dead { "the character \"\(name)\"" } else { dead.name }
            return RefkitError(
                .orderCharacterFailed,
                "the scene \(step.stage.name) shows \(who), whose reference \(status[dead] == .failed ? "failed" : "was skipped")",
                detail: "run `\(ShellWord.command(["refkit", "retry", kit.name]))` first, then drop the order again")
        }
        return nil
    }
}
