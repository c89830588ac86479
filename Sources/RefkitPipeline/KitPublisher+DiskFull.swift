import Foundation
import RefkitCore
import RefkitStore

extension KitPublisher {
    /// Whether a publish that failed with `error` waits and is tried again rather than failing the
    /// kit: a full disk, a read-only remount, a permissions slip or an I/O hiccup of the outbox or
    /// the state directory says nothing about the kit, whose stages are all done and paid for.
    static func publishWaits(after error: any Error) -> Bool {
        SpaceWait.isStateSpace(error) || (error as? RefkitError)?.code == .outboxUnwritable
    }

    /// After a publish that waits: a kit folder that never had a manifest (a first publish) is
    /// removed, so nothing partial is left in the outbox and its space goes back to the other kits;
    /// a kit published before keeps its folder and manifest. The kit waits, recorded as an event.
    func waitToPublish(kitID: String, error: any Error) {
        let failure = (error as? RefkitError) ?? RefkitError(.diskFull, "no space left for the state database", detail: "\(error)")
        var removed = false
        if let folder = (try? database.kit(kitID))?.outboxDir, !FileManager.default.fileExists(atPath: "\(folder)/manifest.json") {
            removed = (try? FileManager.default.removeItem(atPath: folder)) != nil
        }
        logger.warning(
            failure.code == .diskFull
                ? "the outbox is full; the kit waits and is published when space is freed"
                : "the outbox cannot be written; the kit waits and is published when it can",
            metadata: [
                "kit.id": "\(kitID)", "code": "\(failure.code)", "detail": "\(failure.detail)",
                "partial_folder_removed": "\(removed)",
            ])
        try? database.appendEvent(
            kitID: kitID, type: EventType.publishWaiting.rawValue, code: failure.code.rawValue, message: failure.detail)
    }
}
