import Logging
import RefkitCore
import RefkitHTTP

extension ProviderHTTP {
    /// The one exchange of a single-call provider (Gemini, OpenAI), with the logging both
    /// share, so the two log alike: the request size before, the HTTP status and the duration
    /// after, and a failure logged and rethrown with the key redacted from its message.
    static func loggedExchange(
        _ httpRequest: HTTPRequest, for request: GenerationRequest, provider name: String, model: String, key: String, base: String,
        http: HTTPClient, logger: Logger, interpret: (HTTPResponse) throws(ProviderError) -> GeneratedImage
    ) async throws(ProviderError) -> GeneratedImage {
        var metadata: Logger.Metadata = [
            "provider": "\(name)", "model": "\(model)", "kit.id": "\(request.kitID)", "stage": "\(request.stage.name)",
        ]
        logger.debug("provider request", metadata: metadata.merging(["request.bytes": "\(httpRequest.body.count)"]) { $1 })
        let clock = ContinuousClock()
        let started = clock.now
        do throws(ProviderError) {
            let response = try await send(httpRequest, via: http, provider: name, secret: key, policy: URLPolicy(forBaseURL: base))
            metadata["http.status"] = "\(response.status)"
            let image = try interpret(response)
            logger.debug("provider image", metadata: metadata.merging(["duration_ms": "\((clock.now - started).wholeMilliseconds)"]) { $1 })
            return image
        } catch {
            let error = error.redacted(secret: key)
            logger.warning(
                "provider failed", metadata: metadata.merging(["error.code": "\(error.code)", "retryable": "\(error.retryable)"]) { $1 })
            throw error
        }
    }
}
