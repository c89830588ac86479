/// Which runnable stages start now: priority first, then fair between watches (at the top
/// priority the watch with the fewest stages running goes first), each watch's stages in the
/// store's order (oldest kit first), within the free places and each provider's share.
///
/// A provider's `concurrency` caps its requests in flight (RequestSlots); more of its stages may
/// run, so the next requests are built and waiting, and results written, while its slots stay
/// busy: up to twice as many first, and up to three times as many with places no other
/// provider's stage wanted in this round (2x left a slot idle 5 % of the time in the 200 ms
/// benchmark, BENCHMARKS.md; 3x for everyone at once would let one provider crowd the others out
/// of `[limits] concurrency`).
struct DispatchPlan {
    /// The stages running now, counted per watch and per provider.
    struct Running: Equatable {
        var byWatch: [String: Int] = [:]
        var byProvider: [String: Int] = [:]
    }

    struct Limits: Equatable {
        /// Places left under `[limits] concurrency`.
        var free: Int
        /// Each provider's `concurrency` (1 for a provider not listed).
        var concurrency: [String: Int]

        func concurrency(of provider: String) -> Int { concurrency[provider] ?? 1 }
    }

    /// A stage to start, with its watch and the provider that makes it.
    struct Start<Item> {
        var item: Item
        var watch: String
        var provider: String
    }

    /// The stages to start, in order. `candidates` are each watch's runnable stages in the
    /// store's order; `provider` is asked only for stages the plan considers.
    static func next<Item>(
        running: Running, candidates: [String: [Item]], limits: Limits, priority: (Item) -> Int, provider: (Item) -> String
    ) -> [Start<Item>] {
        var free = limits.free
        var byWatch = running.byWatch
        var byProvider = running.byProvider
        var queues = candidates.filter { !$0.value.isEmpty }
        var starts: [Start<Item>] = []
        var overTwice: [Start<Item>] = []
        func start(_ next: Start<Item>) {
            byProvider[next.provider, default: 0] += 1
            byWatch[next.watch, default: 0] += 1
            free -= 1
            starts.append(next)
        }
        while free > 0 {
            let levels = queues.values.compactMap { $0.first.map(priority) }
            guard let top = levels.max() else { break }
            let watches = queues.filter { $0.value.first.map(priority) == top }.keys.sorted {
                (byWatch[$0] ?? 0, $0) < (byWatch[$1] ?? 0, $1)
            }
            guard let watch = watches.first, var list = queues[watch], !list.isEmpty else { break }
            let item = list.removeFirst()
            queues[watch] = list.isEmpty ? nil : list
            let next = Start(item: item, watch: watch, provider: provider(item))
            if byProvider[next.provider, default: 0] >= 2 * limits.concurrency(of: next.provider) {
                overTwice.append(next)
                continue
            }
            start(next)
        }
        for next in overTwice where free > 0 {
            if byProvider[next.provider, default: 0] < 3 * limits.concurrency(of: next.provider) { start(next) }
        }
        return starts
    }
}
