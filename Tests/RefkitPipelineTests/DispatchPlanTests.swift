import Testing

@testable import RefkitPipeline

/// The dispatch policy alone: no store, no clock, no provider.
@Suite("Dispatch plan")
struct DispatchPlanTests {
    struct Item: Equatable {
        var name: String
        var priority = 0
        var provider = "p"
    }

    func plan(
        _ candidates: [String: [Item]], free: Int, concurrency: [String: Int] = ["p": 4], running: DispatchPlan.Running = .init()
    ) -> [String] {
        DispatchPlan.next(
            running: running, candidates: candidates, limits: .init(free: free, concurrency: concurrency), priority: \.priority,
            provider: \.provider
        ).map(\.item.name)
    }

    @Test func higherPriorityGoesFirstWhateverTheWatch() {
        let starts = plan(["a": [Item(name: "a1"), Item(name: "a2")], "b": [Item(name: "b1", priority: 5)]], free: 2)
        #expect(starts == ["b1", "a1"])
    }

    @Test func watchesTakeTurnsAtTheSamePriorityAndTheBusierWatchWaits() {
        let candidates = ["a": [Item(name: "a1"), Item(name: "a2"), Item(name: "a3")], "b": [Item(name: "b1"), Item(name: "b2")]]
        #expect(plan(candidates, free: 4) == ["a1", "b1", "a2", "b2"])
        let busyA = DispatchPlan.Running(byWatch: ["a": 2], byProvider: ["p": 2])
        #expect(plan(candidates, free: 3, running: busyA) == ["b1", "b2", "a1"])
    }

    @Test func noMoreStartsThanFreePlaces() {
        #expect(plan(["a": [Item(name: "a1"), Item(name: "a2")]], free: 0).isEmpty)
        #expect(plan(["a": [Item(name: "a1"), Item(name: "a2")]], free: 1) == ["a1"])
    }

    @Test func aProviderRunsTwiceItsConcurrencyThenYieldsToAnother() {
        let a = (1...4).map { Item(name: "a\($0)", provider: "x") }
        let b = [Item(name: "b1", provider: "y")]
        // x (concurrency 1) takes two places, y its stage, and the place left goes to x's third.
        #expect(plan(["a": a, "b": b], free: 4, concurrency: ["x": 1, "y": 1]) == ["a1", "b1", "a2", "a3"])
        // Never beyond three times: a fourth stays queued with places free.
        #expect(plan(["a": a], free: 8, concurrency: ["x": 1]) == ["a1", "a2", "a3"])
    }

    @Test func stagesAlreadyRunningCountAgainstTheProvidersShare() {
        let a = (1...3).map { Item(name: "a\($0)", provider: "x") }
        let running = DispatchPlan.Running(byWatch: ["a": 2], byProvider: ["x": 2])
        #expect(plan(["a": a], free: 4, concurrency: ["x": 1], running: running) == ["a1"])
        #expect(plan(["a": a], free: 4, concurrency: ["x": 1], running: .init(byWatch: ["a": 3], byProvider: ["x": 3])).isEmpty)
    }

    @Test func anUnlistedProviderCountsAsConcurrencyOne() {
        let a = (1...5).map { Item(name: "a\($0)", provider: "gone") }
        #expect(plan(["a": a], free: 5, concurrency: [:]) == ["a1", "a2", "a3"])
    }

    @Test func theProviderIsAskedOnlyForStagesThePlanConsiders() {
        var asked: [String] = []
        _ = DispatchPlan.next(
            running: .init(), candidates: ["a": [Item(name: "a1"), Item(name: "a2"), Item(name: "a3")]],
            limits: .init(free: 1, concurrency: [:]), priority: \.priority
        ) { item in
            asked.append(item.name)
            return item.provider
        }
        #expect(asked == ["a1"])
    }
}
