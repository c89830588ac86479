import Synchronization

/// The part FakeFal and FakeReplicate share: the record of requests, the scripted replies and
/// the hosted files, and the public scripting and inspection API over them. Each fake keeps
/// its own routes, wire protocol and start-up names (`key` against `token`); conforming gives
/// it `script`, `host`, `calls`, `allCalls` and `count`, so both read the same in tests.
public protocol ScriptedFake: Sendable {
    associatedtype Route: Hashable & Sendable
    /// The fake's requests, scripted replies and files (public only because the shared API
    /// is built on it; tests use the methods below).
    var record: FakeRecord<Route> { get }
    func stop() async
}

extension ScriptedFake {
    /// Replies that replace the normal answer of `route`, used first in first out.
    public func script(_ route: Route, _ replies: FakeFal.Reply...) { record.script(route, replies) }

    /// Serves `bytes` at `{base}/files/NAME`.
    public func host(_ name: String, bytes: [UInt8], contentType: String) {
        record.host(name, bytes: bytes, contentType: contentType)
    }

    /// Every request of `route`, in order.
    public func calls(_ route: Route) -> [FakeFal.Call] { record.calls(route) }

    /// Every request, in order.
    public var allCalls: [FakeFal.Call] { record.allCalls }

    /// How many requests of `route` arrived.
    public func count(_ route: Route) -> Int { record.count(route) }

    /// Runs `body` with `fake` and stops it afterwards, also when `body` throws.
    static func running<T>(_ fake: Self, _ body: (Self) async throws -> T) async throws -> T {
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }
}

/// Requests, scripted replies and hosted files of one fake, under their own lock. A fake's
/// handler calls into it while holding the fake's own lock (never the other way round), so
/// requests are still handled one at a time, in the order they are recorded.
public final class FakeRecord<Route: Hashable & Sendable>: Sendable {
    private struct State {
        var calls: [(route: Route, call: FakeFal.Call)] = []
        var scripted: [Route: [FakeFal.Reply]] = [:]
        var files: [String: (bytes: [UInt8], contentType: String)] = [:]
    }

    private let state = Mutex(State())

    init() {}

    func script(_ route: Route, _ replies: [FakeFal.Reply]) {
        state.withLock { $0.scripted[route, default: []].append(contentsOf: replies) }
    }

    func host(_ name: String, bytes: [UInt8], contentType: String) {
        state.withLock { $0.files[name] = (bytes, contentType) }
    }

    /// The bytes hosted as `name`.
    func file(_ name: String) -> (bytes: [UInt8], contentType: String)? { state.withLock { $0.files[name] } }

    func calls(_ route: Route) -> [FakeFal.Call] {
        state.withLock { $0.calls.filter { $0.route == route }.map(\.call) }
    }

    var allCalls: [FakeFal.Call] { state.withLock { $0.calls.map(\.call) } }

    func count(_ route: Route) -> Int {
        state.withLock { $0.calls.count { $0.route == route } }
    }

    /// Records `call` as a request of `route`.
    func receive(_ call: FakeFal.Call, as route: Route) {
        state.withLock { $0.calls.append((route, call)) }
    }

    /// The next scripted reply of `route`, removed from the script; nil when none is left.
    func takeScripted(_ route: Route) -> FakeFal.Reply? {
        state.withLock { state in
            guard var queue = state.scripted[route], !queue.isEmpty else { return nil }
            let reply = queue.removeFirst()
            state.scripted[route] = queue
            return reply
        }
    }

    /// The answer to `GET /files/NAME` (`parts` being the path's components): a scripted
    /// reply of `route` first, else the hosted file, else `notFound`. Files need no auth.
    func serveFile(_ parts: [String], route: Route, notFound: FakeFal.Reply) -> FakeFal.Reply {
        if let reply = takeScripted(route) { return reply }
        guard parts.count == 2, let file = file(parts[1]) else { return notFound }
        return FakeFal.Reply(status: 200, headers: ["content-type": file.contentType], body: file.bytes)
    }
}
