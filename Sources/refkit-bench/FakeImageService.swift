import Foundation
import RefkitCore
import RefkitImaging
import RefkitTestSupport
import Synchronization

/// A Gemini-shaped image service on loopback for benchmarks: a latency per request (fixed, or
/// log-normal around a median with `sigma`, from a seeded generator, handed out in arrival
/// order) and, optionally, a sliding-window limit answered with 429 + RetryInfo beyond it.
final class FakeImageService: Sendable {
    struct Counts: Sendable {
        var accepted = 0
        var rejected = 0
        var acceptedAt: [ContinuousClock.Instant] = []
        var inFlight = 0
        var peakInFlight = 0
        /// The latencies served so far (the ideal schedule is computed from them).
        var servedLatency: Duration = .zero
        var longestLatency: Duration = .zero
        var random = SplitMix64(seed: 0x5eed)
        /// When the first request arrived and the last answer left, and the integral of requests
        /// in flight over time (slot-seconds the fake held), for the timeline line.
        var firstAt: ContinuousClock.Instant?
        var lastAt: ContinuousClock.Instant?
        var busy: Duration = .zero
        var changedAt: ContinuousClock.Instant?

        mutating func step(_ delta: Int, at now: ContinuousClock.Instant) {
            if let changedAt { busy += (now - changedAt) * inFlight }
            changedAt = now
            inFlight += delta
            if firstAt == nil { firstAt = now }
            lastAt = now
        }
    }

    let baseURL: String
    let counts = Mutex(Counts())
    private let keep: (any Sendable)?
    var connections: Int? { (keep as? ThreadedHTTPServer)?.connections.load(ordering: .relaxed) }

    private init(baseURL: String, keep: (any Sendable)?) {
        self.baseURL = baseURL
        self.keep = keep
    }

    /// What one request gets: 429 beyond the limit, else the image after its latency.
    private static func answer(
        _ counts: borrowing Mutex<Counts>, latency: Duration, perMinute: Int?, sigma: Double
    ) -> (status: Int, wait: Duration, index: Int) {
        let now = ContinuousClock.now
        return counts.withLock { counts -> (Int, Duration, Int) in
            if let perMinute {
                let windowStart = now - .seconds(60)
                let recent = counts.acceptedAt.reversed().prefix { $0 > windowStart }.count
                if recent >= perMinute {
                    counts.rejected += 1
                    return (429, .zero, 0)
                }
            }
            counts.accepted += 1
            counts.acceptedAt.append(now)
            counts.step(1, at: now)
            counts.peakInFlight = max(counts.peakInFlight, counts.inFlight)
            let wait = sigma > 0 ? latency * exp(sigma * counts.random.nextGaussian()) : latency
            counts.servedLatency += wait
            counts.longestLatency = max(counts.longestLatency, wait)
            return (200, wait, counts.accepted - 1)
        }
    }

    /// `flyingFox`: the tests' LoopbackServer (async, FlyingFox) instead of the threaded server.
    /// `distinct` > 0: answers cycle through that many different 768 x 1024 pictures (so QA's
    /// duplicate check passes them, as it would a real provider's), else one small PNG for all.
    static func start(
        latency: Duration, perMinute: Int?, sigma: Double = 0, flyingFox: Bool = false, distinct: Int = 0
    ) async throws -> FakeImageService {
        func body(_ image: [UInt8], mime: String) -> String {
            let data = Data(image).base64EncodedString()
            return #"{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"\#(mime)","data":"\#(data)"}}]},"#
                + #""finishReason":"STOP","index":0}],"usageMetadata":{"totalTokenCount":1290}}"#
        }
        let ok = body(try ImageOps.synthesize(width: 256, height: 256, seed: 5, format: "png"), mime: "image/png")
        // Pictures a kit's QA passes, as a real provider's would: 3 x 3 sheets of the preview's
        // drawings and flat tiles in a random arrangement, each kept only when far (pHash and its
        // mirror over 10 bits; QA calls 6 a match) from every one kept before, so no check fails
        // by chance and the comparison is of QA's cost alone.
        let views: [FigureView] = [.bust, .front, .side, .back, .halfBody, .fullBody, .threeQuarter]
        let figures = try views.enumerated().map { n, view in
            let sketch = FigureSketch(view: view, colours: .seeded(UInt64(n)), width: 256, height: 320, seed: UInt64(n), label: "BENCH")
            return try ImageOps.figure(sketch, face: nil).data
        }
        var random = SplitMix64(seed: 0xBE7C)
        var drawn: [[UInt8]] = []
        var kept: [ImageFingerprint] = []
        var i = 0
        while drawn.count < distinct, i < distinct * 50 {
            i += 1
            let tiles = try (0..<9).map { _ -> (bytes: [UInt8], label: String) in
                if random.next() % 2 == 0 { return (figures[Int(random.next() % UInt64(figures.count))], "") }
                let grey = Int(random.next() % 256)
                return (try ImageOps.solid(width: 64, height: 64, red: grey, green: 255 - grey, blue: grey / 2, format: "png"), "")
            }
            let png = try ImageOps.contactSheet(tiles, columns: 3, cell: 256).data
            let (print, _) = try ImageOps.fingerprint(png)
            guard kept.allSatisfy({ $0.distance(to: print).phash > 10 && $0.mirrorDistance(to: print).phash > 10 }) else { continue }
            kept.append(print)
            drawn.append(Array(body(png, mime: "image/png").utf8))
        }
        let pool = drawn
        if distinct > 0 { print("fake: \(pool.count) distinct pictures (of \(i) drawn)") }
        let limited =
            #"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","#
            + #""details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1s"}]}}"#
        let service: FakeImageService
        if flyingFox {
            let server = try await LoopbackServer.start()
            service = FakeImageService(baseURL: server.baseURL, keep: server)
            server.route("POST", "/v1beta/models/*") { _ in
                let (status, wait, _) = answer(service.counts, latency: latency, perMinute: perMinute, sigma: sigma)
                guard status == 200 else { return .json(limited, status: 429) }
                if wait > .zero { try? await Task.sleep(for: wait) }
                service.counts.withLock { $0.step(-1, at: .now) }
                return .json(ok)
            }
        } else {
            let okBytes = Array(ok.utf8)
            let limitedBytes = Array(limited.utf8)
            let box = ServiceBox()
            let server = try ThreadedHTTPServer { method, path, _ in
                guard method == "POST", path.hasPrefix("/v1beta/models/"), let service = box.service else {
                    return .init(status: 404, body: Array(#"{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}"#.utf8))
                }
                let (status, wait, index) = answer(service.counts, latency: latency, perMinute: perMinute, sigma: sigma)
                guard status == 200 else { return .init(status: 429, body: limitedBytes) }
                if wait > .zero {
                    Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
                }
                service.counts.withLock { $0.step(-1, at: .now) }
                return .init(status: 200, body: pool.isEmpty ? okBytes : pool[index % pool.count])
            }
            service = FakeImageService(baseURL: server.baseURL, keep: server)
            box.service = service
        }
        return service
    }
}

/// The service, set once the server it answers through exists.
private final class ServiceBox: Sendable {
    private let value = Mutex<FakeImageService?>(nil)
    var service: FakeImageService? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// A small seeded generator (SplitMix64) with standard normal draws (Box-Muller).
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    mutating func nextUnit() -> Double { (Double(next() >> 11) + 1) / Double(1 << 53) }

    mutating func nextGaussian() -> Double { (-2 * log(nextUnit())).squareRoot() * cos(2 * Double.pi * nextUnit()) }
}
