/// Watcher events waiting for intake, taken in turns across inboxes: a nightly batch of 500 files
/// in one inbox does not hold a file dropped into another inbox back behind all of it. Within one
/// inbox the order is kept (a sidecar after its image, a pause before the resume). A value: the
/// daemon's intake loop pushes what the watcher yields and pops what intake handles next.
public struct InboxTurns: Sendable {
    private var queues: [String: [InboxEvent]] = [:]
    private var heads: [String: Int] = [:]
    /// Inboxes with events waiting, in the order of their next turn.
    private var turns: [String] = []

    public init() {}

    /// How many events wait, over all inboxes.
    public private(set) var count = 0

    public var isEmpty: Bool { count == 0 }

    public mutating func push(_ event: InboxEvent) {
        let key = event.inbox
        if queues[key, default: []].isEmpty { turns.append(key) }
        queues[key, default: []].append(event)
        count += 1
    }

    /// The next inbox's oldest event; that inbox then goes to the back of the turns.
    public mutating func pop() -> InboxEvent? {
        guard !turns.isEmpty else { return nil }
        let key = turns.removeFirst()
        let head = heads[key, default: 0]
        let event = queues[key]![head]
        count -= 1
        if head + 1 == queues[key]!.count {
            queues[key] = nil
            heads[key] = nil
        } else {
            heads[key] = head + 1
            turns.append(key)
            // Drop what was taken once it is most of the array, so a long batch costs O(1) a pop.
            if head + 1 >= 1024, head + 1 >= queues[key]!.count / 2 {
                queues[key]!.removeFirst(head + 1)
                heads[key] = 0
            }
        }
        return event
    }
}

extension InboxEvent {
    /// The inbox (watch root) an event is about; `""` for events about the watcher as a whole.
    public var inbox: String {
        switch self {
        case .ready(let entry): entry.watch
        case .rootPaused(let root, _), .rootResumed(let root), .rescanned(let root, _, _), .modeChosen(let root, _, _): root
        case .undecodableName(let entry): entry.root
        case .watchLimit: ""
        }
    }
}
