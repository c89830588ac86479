import Foundation
import RefkitCore

extension KitPublisher {
    /// After `disk_full`: a kit folder that never had a manifest (a first publish) is removed, so
    /// nothing partial is left in the outbox and its space goes back to the other kits; a kit
    /// published before keeps its folder and manifest. The kit waits, recorded as an event.
    func waitForSpace(kitID: String, error: RefkitError) {
        var removed = false
        if let folder = (try? database.kit(kitID))?.outboxDir, !FileManager.default.fileExists(atPath: "\(folder)/manifest.json") {
            removed = (try? FileManager.default.removeItem(atPath: folder)) != nil
        }
        logger.warning(
            "the outbox is full; the kit waits and is published when space is freed",
            metadata: ["kit.id": "\(kitID)", "code": "\(error.code)", "detail": "\(error.detail)", "partial_folder_removed": "\(removed)"])
        try? database.appendEvent(kitID: kitID, type: "publish_waiting", code: error.code, message: error.detail)
    }
}
