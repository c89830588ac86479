import CCurl

extension HTTPError {
    static func cancelled(_ why: String = "the request was cancelled") -> HTTPError {
        HTTPError(code: "http_cancelled", message: why, retryable: false)
    }

    /// Maps a finished transfer's curl result to the contract's codes.
    static func from(_ code: CURLcode, transfer: Transfer) -> HTTPError {
        let detail = transfer.errorText.isEmpty ? curlDescription(code) : "\(curlDescription(code)); \(transfer.errorText)"
        if transfer.exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return HTTPError(
                code: "http_response_too_large",
                message: "the response body exceeds \(transfer.maxResponseBytes) bytes", detail: detail, retryable: false)
        }
        if let peer = transfer.refusedPeer {
            return HTTPError(
                code: "http_url_refused", message: "the connection reached a loopback or private address (\(peer))",
                detail: detail, retryable: false)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(code: "http_timeout", message: "the request timed out", detail: detail, retryable: true)
        case CURLE_PARTIAL_FILE:
            return HTTPError(code: "http_truncated", message: "the body ended early", detail: detail, retryable: true)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR:
            return HTTPError(code: "http_connect_failed", message: "could not connect", detail: detail, retryable: true)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            // A connection reset or closed mid-exchange: the server may be restarting.
            return HTTPError(code: "http_connection_reset", message: "the connection was reset", detail: detail, retryable: true)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE:
            return HTTPError(
                code: "http_tls_failed", message: "the server's certificate was not accepted", detail: detail, retryable: false)
        case CURLE_TOO_MANY_REDIRECTS:
            return tooManyRedirects(detail: detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return HTTPError(code: "http_url_refused", message: "the URL was refused", detail: detail, retryable: false)
        default:
            return HTTPError(code: "http_failed", message: "the transfer failed", detail: detail, retryable: false)
        }
    }

    static func tooManyRedirects(detail: String = "") -> HTTPError {
        HTTPError(
            code: "http_too_many_redirects", message: "more than \(HTTPClient.maxRedirects) redirects", detail: detail, retryable: false)
    }
}
