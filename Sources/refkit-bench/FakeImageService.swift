import Foundation
import RefkitImaging
import RefkitTestSupport
import Synchronization

/// A Gemini-shaped image service on loopback for benchmarks: a fixed latency per request and,
/// optionally, a sliding-window limit answered with 429 + RetryInfo beyond it.
final class FakeImageService: Sendable {
    struct Counts: Sendable {
        var accepted = 0
        var rejected = 0
        var acceptedAt: [ContinuousClock.Instant] = []
        var inFlight = 0
        var peakInFlight = 0
    }

    let server: LoopbackServer
    let counts = Mutex(Counts())

    init(server: LoopbackServer) { self.server = server }

    static func start(latency: Duration, perMinute: Int?) async throws -> FakeImageService {
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
            if latency > .zero { try? await Task.sleep(for: latency) }
            service.counts.withLock { $0.inFlight -= 1 }
            return .json(ok)
        }
        return service
    }
}
