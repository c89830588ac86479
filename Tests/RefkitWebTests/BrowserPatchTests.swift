import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Synchronization
import Testing

/// Messages for a fake event stream: the test pushes one, the next `GET /api/v1/events` answers
/// with it and ends, and the browser's EventSource reconnects by itself (`retry:`), as it would
/// after a dropped connection. So no streaming server is needed to prove app.js patches a page.
final class EventMailbox: Sendable {
    private struct State {
        var queued: [String] = []
        var waiting: [CheckedContinuation<String?, Never>] = []
        var closed = false
    }
    private let state = Mutex(State())

    func push(_ message: String) {
        let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
            if state.waiting.isEmpty {
                state.queued.append(message)
                return nil
            }
            return state.waiting.removeFirst()
        }
        waiter?.resume(returning: message)
    }

    func next() async -> String? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> String?? in
                if !state.queued.isEmpty { return .some(state.queued.removeFirst()) }
                if state.closed { return .some(nil) }
                state.waiting.append(continuation)
                return .none
            }
            if case .some(let message) = ready { continuation.resume(returning: message) }
        }
    }

    /// Answers every waiting request (with nothing), so the server can stop.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}

@Suite("Web pages in a browser", .serialized)
struct BrowserPatchTests {
    /// The stream's message for the newest event of `kitID`, with the kit's summary as the API sends it.
    static func message(_ database: RefkitDatabase, kitID: String) throws -> String {
        let event = try #require(try database.events(kitID: kitID, limit: 1).last)
        let kit = try #require(try database.kit(kitID))
        return EventStream.message(event, kit: try database.kitSummaries([kit])[0])
    }

    /// A rendered list in a real Chromium: an event on the stream patches the row's status,
    /// progress and the daemon's queue depth without a reload, with the page's CSP in force.
    @Test(.timeLimit(.minutes(2))) func anEventPatchesTheListWithoutAReload() async throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("<mira>")
        try fixture.make(id, .avatar)
        let mailbox = EventMailbox()
        let server = try await LoopbackServer.start()
        let csp = [("Content-Security-Policy", WebRequestPolicy.contentSecurityPolicy + "; script-src 'self'; style-src 'self'")]
        let database = fixture.database
        server.route("GET", "/") { _ in
            let view = try KitListView.load(database: database, query: KitListQuery(), watches: ["manual"])
            return .init(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")] + csp, body: Array(WebPages.list(view).utf8))
        }
        server.route("GET", "/assets/*") { request in
            guard let asset = WebAssets.asset(path: Substring(request.path)) else { return .text("no asset", status: 404) }
            return .init(status: 200, headers: [("Content-Type", asset.contentType)], body: Array(asset.body.utf8))
        }
        server.route("GET", "/api/v1/status") { _ in
            let status = try DaemonStatusView.load(database: database)
            return .json(#"{"queue_depth": \#(status.queueDepth), "spend_today_usd": \#(status.spendTodayUSD)}"#)
        }
        server.route("GET", "/api/v1/events") { _ in
            let message = await mailbox.next() ?? ": closed\n\n"
            let body = Array(("retry: 200\n\n" + message).utf8)
            return .init(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")], body: body)
        }
        let browser: WebDriver
        do {
            browser = try await WebDriver.start()
        } catch {
            await server.stop()
            throw error
        }
        do {
            try await browser.navigate(to: server.baseURL + "/")
            let row = try await browser.find("tr[data-kit=\"\(id)\"]")
            #expect(try await browser.attribute(row, "data-status") == "generating")
            #expect(try await browser.text(try await browser.find("tr[data-kit=\"\(id)\"] td.name")) == "<mira>")
            try await browser.waitUntil("the page to open the event stream") { !server.requests(to: "/api/v1/events").isEmpty }

            try fixture.make(id, .front)
            mailbox.push(try Self.message(database, kitID: id))
            try await browser.waitUntil("the row's progress to show 2 of 3") {
                try await browser.text(try await browser.find("tr[data-kit=\"\(id)\"] .progress .count")) == "2/3"
            }
            try await browser.waitUntil("the queue depth to follow the status API") {
                try await browser.text(try await browser.find("[data-field=queue_depth]")) == "1"
            }

            try fixture.make(id, .side)
            try fixture.finish(id, .complete, folder: "mira")
            mailbox.push(try Self.message(database, kitID: id))
            try await browser.waitUntil("the row to turn complete") { try await browser.attribute(row, "data-status") == "complete" }
            #expect(try await browser.text(try await browser.find("tr[data-kit=\"\(id)\"] .badge")) == "complete")
            #expect(try await browser.execute("return performance.getEntriesByType('navigation').length") == .integer(1), "no reload")
            let path = try await browser.screenshot(named: "list-live-patch")
            #expect(FileManager.default.fileExists(atPath: path))
            let followed = server.requests(to: "/api/v1/events").dropFirst()
            #expect(followed.contains { $0.header("last-event-id") != nil }, "the browser resumes from the last id it saw")
            let first = try #require(server.requests(to: "/api/v1/events").first)
            #expect(first.query.hasPrefix("after="), "the stream starts where the page was read: \(first.query)")
        } catch {
            _ = try? await browser.screenshot(named: "list-live-patch-failed")
            await browser.quit()
            mailbox.close()
            await server.stop()
            throw error
        }
        await browser.quit()
        mailbox.close()
        await server.stop()
    }
}
