import Foundation
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitHTTP

/// A route that holds every request until the test lets one go, counting how many it holds.
final class HoldingRoute: Sendable {
    private struct State {
        var now = 0
        var peak = 0
        var arrived = 0
        var permits = 0
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    let arrivals: AsyncStream<Int>
    private let arrival: AsyncStream<Int>.Continuation

    init() {
        (arrivals, arrival) = AsyncStream.makeStream(of: Int.self)
    }

    var peak: Int { state.withLock { $0.peak } }
    var arrived: Int { state.withLock { $0.arrived } }

    func handle() async -> LoopbackServer.Response {
        let number = state.withLock { s in
            s.now += 1
            s.peak = max(s.peak, s.now)
            s.arrived += 1
            return s.arrived
        }
        arrival.yield(number)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let go = state.withLock { s in
                if s.permits > 0 {
                    s.permits -= 1
                    return true
                }
                s.held.append(c)
                return false
            }
            if go { c.resume() }
        }
        state.withLock { $0.now -= 1 }
        return .text("ok")
    }

    /// Lets the longest-held request answer (or the next to arrive, if none is held yet).
    func releaseOne() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { s in
            if s.held.isEmpty {
                s.permits += 1
                return nil
            }
            return s.held.removeFirst()
        }
        next?.resume()
    }
}

/// A server whose `/gated` route holds requests, a client, and a request through a gate of `limit`.
enum GatedRoute {
    static func start(limit: Int) async throws -> (LoopbackServer, HoldingRoute, HTTPClient, TransferGate, HTTPRequest) {
        let server = try await LoopbackServer.start()
        let route = HoldingRoute()
        server.route("GET", "/gated") { _ in await route.handle() }
        let gate = TransferGate(limit: limit)
        var request = HTTPRequest(url: server.baseURL + "/gated", timeout: .seconds(30))
        request.gate = gate
        return (server, route, HTTPClient(logger: quietLogger()), gate, request)
    }
}

@Suite("Transfer gates (a provider's requests in flight)", .timeLimit(.minutes(1)))
struct TransferGateTests {
    @Test func neverMoreGatedTransfersInFlightThanTheLimitAndOthersPassBeside() async throws {
        let server = try await LoopbackServer.start()
        let gated = HoldingRoute()
        let free = HoldingRoute()
        server.route("GET", "/gated") { _ in await gated.handle() }
        server.route("GET", "/free") { _ in await free.handle() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        let gate = TransferGate(limit: 2)
        var gatedRequest = HTTPRequest(url: server.baseURL + "/gated")
        gatedRequest.gate = gate
        let request = gatedRequest

        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await client.send(request).status } }
            var arrivals = gated.arrivals.makeAsyncIterator()
            _ = await arrivals.next()
            _ = await arrivals.next()
            #expect(gate.usage.inFlight == 2)
            // A request without the gate is not held back by a full one.
            group.addTask { try await client.send(HTTPRequest(url: server.baseURL + "/free")).status }
            var freeArrivals = free.arrivals.makeAsyncIterator()
            _ = await freeArrivals.next()
            free.releaseOne()
            // Each answer lets exactly the next waiting request start.
            for expected in 3...6 {
                gated.releaseOne()
                #expect(await arrivals.next() == expected)
            }
            gated.releaseOne()
            gated.releaseOne()
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            #expect(statuses == Array(repeating: 200, count: 7))
        }
        #expect(gated.peak == 2)
        #expect(gate.usage.inFlight == 0)
        #expect(gate.usage.peak == 2)
        await server.stop()
    }

    @Test func aCancelledWaitingRequestNeverStartsAndTakesNoPlace() async throws {
        let (server, route, client, gate, request) = try await GatedRoute.start(limit: 1)
        defer { client.shutdown() }

        let first = Task { try await client.send(request) }
        var arrivals = route.arrivals.makeAsyncIterator()
        #expect(await arrivals.next() == 1)
        let waiting = Task { try await client.send(request) }
        waiting.cancel()
        await expectHTTPError("http_cancelled") { try await waiting.value }
        route.releaseOne()
        #expect(try await first.value.status == 200)
        let third = Task { try await client.send(request) }
        #expect(await arrivals.next() == 2, "the cancelled request never reached the server")
        route.releaseOne()
        #expect(try await third.value.status == 200)
        #expect(route.arrived == 2)
        #expect(gate.usage.inFlight == 0)
        await server.stop()
    }

    @Test func waitingForAPlaceDoesNotCountAgainstTheRequestsTimeout() async throws {
        let (server, route, client, gate, request) = try await GatedRoute.start(limit: 1)
        defer { client.shutdown() }

        let first = Task { try await client.send(request) }
        var arrivals = route.arrivals.makeAsyncIterator()
        #expect(await arrivals.next() == 1)
        var short = request
        short.timeout = .seconds(10)
        let second = Task { try await client.send(short) }
        // Deliberately longer than the second request's whole timeout: it is waiting, not running. The timeout leaves the
        // request itself most of 10 s, which a loaded test process (the in-process server starved) needs.
        try await Task.sleep(for: .milliseconds(10_500))
        route.releaseOne()
        #expect(try await first.value.status == 200)
        #expect(await arrivals.next() == 2)
        route.releaseOne()
        let answer = try await second.value
        #expect(answer.status == 200)
        #expect(answer.duration < .seconds(10), "the response's duration leaves out the 10.5 s wait for a place: \(answer.duration)")
        await server.stop()
    }

    @Test func aRedirectedRequestCountsOnlyTheTimeItsHopsRan() async throws {
        let (server, route, client, _, request) = try await GatedRoute.start(limit: 1)
        defer { client.shutdown() }
        server.route("GET", "/moved") { _ in .redirect(to: "/here") }
        server.route("GET", "/here") { _ in .text("arrived") }

        let first = Task { try await client.send(request) }
        var arrivals = route.arrivals.makeAsyncIterator()
        #expect(await arrivals.next() == 1)
        var moved = request
        moved.url = server.baseURL + "/moved"
        moved.timeout = .seconds(10)
        let second = Task { try await client.send(moved) }
        // Longer than the redirected request's whole timeout: both of its hops wait, run briefly.
        try await Task.sleep(for: .milliseconds(10_500))
        route.releaseOne()
        #expect(try await first.value.status == 200)
        let response = try await second.value
        #expect(response.status == 200 && String(decoding: response.body, as: UTF8.self) == "arrived")
        await server.stop()
    }
}
