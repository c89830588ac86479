import Foundation
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

/// `GET /api/v1/events`: SSE ids are the event log's, so a stream cut off and resumed with
/// `Last-Event-ID` gets every event once, in order; live events follow; the long poll answers
/// at once when something is there and waits for the next event otherwise.
@Suite("Web events", .timeLimit(.minutes(3)))
struct WebEventsTests {
    @Test("a stream cut after two events and resumed with Last-Event-ID misses nothing and repeats nothing")
    func resumeAfterADisconnect() async throws {
        try await WebRig.with("web-sse", order: #"stages = ["avatar", "side", "front"]"#) { rig in
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 3, width: 96, height: 128), to: "\(rig.inbox)/ann.jpg")
            try await eventually("ann is complete") { try rig.daemon.database.kit("ann")?.status == .complete }
            let stored = try rig.daemon.database.events(after: 0, limit: 1000).map(\.id)
            #expect(stored.count >= 4)
            let last = try #require(stored.last)

            let first = try await rig.client.readEvents(lastEventID: 0) { $0.count >= 2 }
            #expect(first.map(\.id) == Array(stored.prefix(2)))
            let rest = try await rig.client.readEvents(lastEventID: first[1].id) { $0.last?.id == last }
            #expect((first + rest).map(\.id) == stored, "every stored event once, in order, across the reconnect")
            #expect(rest.map(\.type).contains("kit_complete"))

            // Live: a stream resumed at the newest id receives what happens next.
            let live = Task { try await rig.client.readEvents(lastEventID: last) { $0.contains { $0.type == "regenerate" } } }
            let regenerated = try await rig.client.send("POST", "/api/v1/kits/ann/regenerate", json: #"{"stages": ["front"]}"#)
            #expect(regenerated.status == 200)
            let seen = try await live.value
            #expect(seen.first.map { $0.id > last } == true)
            #expect(Set(seen.map(\.id)).count == seen.count)
        }
    }

    @Test("the long poll answers at once with what is there, else with the next event")
    func longPoll() async throws {
        try await WebRig.with("web-poll", order: #"stages = ["avatar", "side"]"#) { rig in
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 4, width: 96, height: 128), to: "\(rig.inbox)/bo.jpg")
            try await eventually("bo is complete") { try rig.daemon.database.kit("bo")?.status == .complete }
            let last = try rig.daemon.database.lastEventID()

            let now = try await rig.client.send("GET", "/api/v1/events?after=0&wait=0&limit=2")
            #expect(now.status == 200)
            #expect(now.json?["events"]?.arrayValue?.count == 2)
            #expect(now.json?["events"]?.arrayValue?.first?["kit"]?["kit"] == .string("bo"), "each event carries its kit's summary")
            #expect(try await rig.client.send("GET", "/api/v1/events?wait=999").status == 400)

            let waiting = Task { try await rig.client.send("GET", "/api/v1/events?after=\(last)&wait=60") }
            #expect(try await rig.client.send("POST", "/api/v1/kits/bo/regenerate", json: #"{"stages": ["side"]}"#).status == 200)
            let answer = try await waiting.value
            let ids = answer.json?["events"]?.arrayValue?.compactMap { value -> Int64? in
                if case .number(let n, _)? = value["id"] { return Int64(n) }
                return nil
            }
            #expect(ids?.isEmpty == false)
            #expect(ids?.allSatisfy { $0 > last } == true)
            #expect(answer.json?["last_id"] == .integer(Int(ids?.last ?? 0)))
        }
    }
}
