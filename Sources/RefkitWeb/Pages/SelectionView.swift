import Foundation
import RefkitCore
import RefkitStore

/// A kit's selection screen (`GET /kits/{id}/select`): its avatar candidates, numbered, and
/// whether a pick now chooses the avatar, replaces a chosen one, or cannot be made.
public struct SelectionView: Sendable {
    /// Whether picking a candidate applies now.
    public enum State: Sendable, Equatable {
        /// The kit waits for a person to choose: a pick locks the reference and the kit goes on.
        case awaiting
        /// The avatar was chosen already: a pick replaces it (views made from the earlier one get
        /// marked; "remake" makes them again).
        case chosen
        /// Nothing to pick now (no candidates, or they are still being made): why.
        case unavailable(String)
    }

    public var kit: KitRecord
    /// Candidate cards, by number (their image only once published).
    public var candidates: [KitPageView.Card]
    public var state: State
    /// The newest event id when the page was read (read first): app.js streams the events after it,
    /// so nothing that happened between the read and the stream's start is missed.
    public var lastEventID: Int64 = 0

    /// Reads the kit's stages; nil when no kit has that reference.
    public static func load(database: RefkitDatabase, kitID: String) throws -> SelectionView? {
        let lastEventID = try database.lastEventID()
        guard let kit = try database.kit(kitID) else { return nil }
        let stages = try database.stages(kitID: kit.id)
        let published = PublishedKit.load(kit)
        let candidates = stages.filter(\.stage.isCandidate).sorted { $0.stage < $1.stage }
            .map { KitPageView.card(kit: kit, stage: $0, published: published, history: [], hasCandidates: true) }
        return SelectionView(kit: kit, candidates: candidates, state: state(kit: kit, stages: stages), lastEventID: lastEventID)
    }

    /// What a pick would do, as `selectCandidate` decides it (a value: the store checks it again
    /// inside its transaction).
    public static func state(kit: KitRecord, stages: [StageRecord]) -> State {
        let candidates = stages.filter(\.stage.isCandidate)
        guard !candidates.isEmpty else { return .unavailable("This kit was made with a single avatar: there is nothing to choose.") }
        if kit.status == .awaitingSelection { return .awaiting }
        let avatar = stages.first { $0.stage == .avatar }
        if avatar?.status == .done, candidates.contains(where: { $0.status == .done }) { return .chosen }
        return .unavailable(
            "This kit is \(kit.status.rawValue.replacingOccurrences(of: "_", with: " ")), not awaiting selection: "
                + "its candidates are still being made, or its avatar is being chosen.")
    }
}
