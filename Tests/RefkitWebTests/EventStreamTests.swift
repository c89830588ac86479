import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Testing

@Suite("Event stream (SSE) messages and resume")
struct EventStreamTests {
    @Test func aMessageCarriesTheLogsIdTypeAndOneLineOfJSON() throws {
        let event = EventRecord(
            id: 42, at: "2026-12-07T05:00:00Z", kitID: "k1", watch: "w", subject: "front", type: "stage_done", code: nil,
            message: "line one\nline two")
        let message = EventStream.message(event)
        #expect(message.hasPrefix("id: 42\nevent: stage_done\ndata: {") && message.hasSuffix("}\n\n"))
        #expect(message.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.count == 1, "one data line")
        let data = try #require(message.components(separatedBy: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
        let json = try JSONValue.parse(Array(data.utf8))
        #expect(json["id"] == .number(42, isInteger: true) && json["message"] == .string("line one\nline two"))
        #expect(json["code"] == .null, "nulls are kept: a stable shape")
        let hostile = EventRecord(id: 1, at: "", kitID: nil, watch: nil, subject: nil, type: "x\n\ndata: forged", code: nil, message: nil)
        #expect(!EventStream.message(hostile).contains("\ndata: forged"), "a type cannot end its field")
    }

    @Test func resumeReadsLastEventIDThenAfter() {
        #expect(EventStream.resumeID(lastEventID: " 17 ", after: "3") == 17)
        #expect(EventStream.resumeID(lastEventID: nil, after: "3") == 3)
        #expect(EventStream.resumeID(lastEventID: "abc", after: "-4") == nil)
        #expect(EventStream.resumeID(lastEventID: "", after: nil) == nil)
    }

    /// A client that disconnects after any message and resumes from its id gets every event once, in order.
    @Test func resumingFromAnyIdMissesNothingAndRepeatsNothing() throws {
        let dir = try TemporaryDirectory("event-stream")
        let database = try RefkitDatabase(path: dir.url("refkit.sqlite"))
        let start = try database.lastEventID()
        for n in 1...23 { try database.appendEvent(subject: "n\(n)", type: "test") }
        var received: [String] = []
        var ids: [Int64] = []
        var cursor = start
        while true {
            // Pages of 5, as a client reconnecting after every few messages would read them.
            let page = try database.events(after: cursor, limit: 5)
            guard let last = page.last else { break }
            ids += page.map(\.id)
            received += page.compactMap(\.subject)
            let header = try #require(EventStream.message(last).components(separatedBy: "\n").first)
            let resumed = EventStream.resumeID(lastEventID: String(header.dropFirst(4)), after: nil)
            #expect(resumed == last.id, "the id the client saw is where it resumes")
            cursor = try #require(resumed)
        }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(received == (1...23).map { "n\($0)" })
    }
}
