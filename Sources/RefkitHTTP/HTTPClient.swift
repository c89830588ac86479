import Logging

/// Placeholder: the libcurl-multi client lands with issue 4 (see HTTPTypes.swift for the contract).
public final class HTTPClient: Sendable {
    let logger: Logger

    public init(logger: Logger, maxConcurrentTransfers: Int = 64) {
        self.logger = logger
    }

    public func send(_ request: HTTPRequest, policy: URLPolicy = URLPolicy()) async throws(HTTPError) -> HTTPResponse {
        throw HTTPError(code: "http_failed", message: "not implemented yet", retryable: false)
    }

    public func shutdown() {}
}
