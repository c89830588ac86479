import Logging
import RefkitHTTP

/// fal and Replicate: providers whose image is a job they submit, poll and fetch from a URL
/// (`PolledJob`). What the two share is written here once: the logged `generate` with its
/// key handling, the base URL, and the job made from the provider's settings.
protocol PolledProvider: ImageProvider {
    static var defaultBaseURL: String { get }
    var settings: ProviderSettings { get }
    var http: HTTPClient { get }
    var logger: Logger { get }
    /// Paces status polls.
    var pollInterval: Duration { get }
    /// Bounds the downloaded image.
    var maxImageBytes: Int { get }
}

extension PolledProvider {
    /// The configured base URL, else the service's own, without a trailing slash.
    var base: String { ProviderHTTP.trimmedBase(settings.baseURL.isEmpty ? Self.defaultBaseURL : settings.baseURL) }

    /// A job against `base`, authenticated by `authorization`, within the settings' timeout.
    func job(key: String, authorization: String, base: String) -> PolledJob {
        PolledJob(
            provider: name, http: http, secret: key, authorization: authorization, base: base, timeout: settings.timeout,
            pollInterval: pollInterval, maxImageBytes: maxImageBytes)
    }

    /// One `generate` of a polled provider with the logging and key handling both share:
    /// a missing key fails before any call; `body` gets the key and the log metadata (to add
    /// the model to); success logs the duration, failure is logged and rethrown with the key
    /// redacted from its message.
    func logged(
        _ request: GenerationRequest,
        _ body: (_ key: String, _ metadata: inout Logger.Metadata) async throws(ProviderError) -> GeneratedImage
    ) async throws(ProviderError) -> GeneratedImage {
        guard let key = settings.apiKey, !key.isEmpty else { throw ProviderError.missingKey(provider: name) }
        var metadata: Logger.Metadata = ["provider": "\(name)", "kit.id": "\(request.kitID)", "stage": "\(request.stage.name)"]
        let started = ContinuousClock.now
        do throws(ProviderError) {
            let image = try await body(key, &metadata)
            logger.debug(
                "provider image", metadata: metadata.merging(["duration_ms": "\((ContinuousClock.now - started).wholeMilliseconds)"]) { $1 }
            )
            return image
        } catch {
            let error = error.redacted(secret: key)
            logger.warning(
                "provider failed", metadata: metadata.merging(["error.code": "\(error.code)", "retryable": "\(error.retryable)"]) { $1 })
            throw error
        }
    }
}
