import Foundation
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
    }

    let server: LoopbackServer
    let counts = Mutex(Counts())

    init(server: LoopbackServer) { self.server = server }

    static func start(latency: Duration, perMinute: Int?, sigma: Double = 0) async throws -> FakeImageService {
        let server = try await LoopbackServer.start()
        let service = FakeImageService(server: server)
        let png = try ImageOps.synthesize(width: 256, height: 256, seed: 5, format: "png")
        let b64 = Data(png).base64EncodedString()
        let ok = #"{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"\#(b64)"}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"totalTokenCount":1290}}"#
        let limited = #"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1s"}]}}"#
        server.route("POST", "/v1beta/models/*") { _ in
            let now = ContinuousClock.now
            let allowed = service.counts.withLock { counts -> Bool in
                if let perMinute {
                    let windowStart = now - .seconds(60)
                    let recent = counts.acceptedAt.reversed().prefix { $0 > windowStart }.count
                    if recent >= perMinute {
                        counts.rejected += 1
                        return false
                    }
                }
                counts.accepted += 1
                counts.acceptedAt.append(now)
                counts.inFlight += 1
                counts.peakInFlight = max(counts.peakInFlight, counts.inFlight)
                return true
            }
            guard allowed else { return .json(limited, status: 429) }
            let wait = service.counts.withLock { counts -> Duration in
                let wait = sigma > 0 ? latency * exp(sigma * counts.random.nextGaussian()) : latency
                counts.servedLatency += wait
                counts.longestLatency = max(counts.longestLatency, wait)
                return wait
            }
            if wait > .zero { try? await Task.sleep(for: wait) }
            service.counts.withLock { $0.inFlight -= 1 }
            return .json(ok)
        }
        return service
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
