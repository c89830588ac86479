import CCurl
import RefkitCore

/// One hop of a request: owns its `CURL*` easy handle and everything the handle points at (URL
/// handle, header and resolve lists, error buffer, response buffers), so they outlive the transfer.
///
/// Built on the caller's task, handed to the driver thread once through `TransferDriver`'s
/// queue, and touched only there afterwards; hence `@unchecked Sendable`.
final class Transfer: @unchecked Sendable {
    let id: UInt64
    let easy: UnsafeMutableRawPointer
    private let url: TargetURL
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    let maxResponseBytes: Int
    /// The group whose place this transfer takes while it runs (`HTTPRequest.gate`).
    let gate: TransferGate?
    /// When set, the connection's peer address is checked again just before the request is
    /// sent (the pinned address could still be a reused connection's).
    let requirePublicPeer: Bool

    // Written by libcurl's callbacks on the driver thread.
    private(set) var body: [UInt8] = []
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var exceededLimit = false
    private(set) var refusedPeer: String?

    /// When the driver added it to the multi handle (after any wait for its gate).
    var startedAt: ContinuousClock.Instant?

    /// Resumed exactly once, by the driver thread (or by a cancel that finds it still queued).
    var continuation: CheckedContinuation<Result<TransferOutcome, HTTPError>, Never>?

    init(
        id: UInt64, request: HTTPRequest, url: TargetURL, pinnedAddresses: [String]?, timeout: Duration
    ) throws(HTTPError) {
        guard let easy = curl_easy_init() else {
            throw HTTPError(code: "http_failed", message: "curl_easy_init failed", retryable: false)
        }
        self.id = id
        self.easy = easy
        self.url = url
        self.maxResponseBytes = request.maxResponseBytes
        self.gate = request.gate
        self.requirePublicPeer = pinnedAddresses != nil
        self.errorBuffer = .allocate(capacity: refkit_curl_error_size())
        errorBuffer.initialize(repeating: 0, count: refkit_curl_error_size())
        try configure(request: request, pinnedAddresses: pinnedAddresses, timeout: timeout)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
        errorBuffer.deallocate()
    }

    private func configure(request: HTTPRequest, pinnedAddresses: [String]?, timeout: Duration) throws(HTTPError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        var failed: (String, CURLcode)?
        func check(_ what: String, _ code: CURLcode) {
            if code != CURLE_OK, failed == nil { failed = (what, code) }
        }

        check("url", refkit_curl_easy_setopt_url(easy, url.handle))
        check("nosignal", refkit_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check("protocols", refkit_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check("redir_protocols", refkit_curl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        // Redirects are followed by HTTPClient, one checked hop at a time.
        check("followlocation", refkit_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check("connect_timeout", refkit_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, request.connectTimeout.milliseconds)))
        check("timeout", refkit_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, timeout.milliseconds)))
        check("verifypeer", refkit_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        check("verifyhost", refkit_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        check("accept_encoding", refkit_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        check("maxfilesize", refkit_curl_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)))
        check("errorbuffer", refkit_curl_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        check("writefunction", refkit_curl_easy_setopt_write_callback(easy, transferWrite))
        check("writedata", refkit_curl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, context))
        check("headerfunction", refkit_curl_easy_setopt_header_callback(easy, transferHeader))
        check("headerdata", refkit_curl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, context))

        // Method and body. curl picks the method from the body options; CUSTOMREQUEST only
        // renames it. An empty-bodied DELETE must not become a POST with Content-Length: 0.
        let method = request.method.uppercased()
        switch method {
        case "GET" where request.body.isEmpty:
            check("httpget", refkit_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case "HEAD":
            check("nobody", refkit_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        case _ where method == "POST" || !request.body.isEmpty:
            // The size must be set before COPYPOSTFIELDS, or curl measures the body with strlen.
            check("postfieldsize", refkit_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            request.body.withUnsafeBufferPointer { bytes in
                // A non-null pointer even for an empty body, so curl sends Content-Length: 0.
                let pointer = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(errorBuffer)
                check(
                    "copypostfields", refkit_curl_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: pointer)))
            }
            if method != "POST" {
                check("customrequest", refkit_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
            }
        default:
            check("customrequest", refkit_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
        }

        var list: UnsafeMutablePointer<curl_slist>?
        var hasContentType = false
        for header in request.headers {
            let name = header.name.trimmingASCIIWhitespace
            guard !name.isEmpty, !name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                !header.value.contains(where: { $0 == "\r" || $0 == "\n" })
            else {
                failed = failed ?? ("header", CURLE_BAD_FUNCTION_ARGUMENT)
                continue
            }
            if name.lowercased() == "content-type" { hasContentType = true }
            // "Name;" is curl's spelling of a header with an empty value ("Name:" would remove it).
            let line = header.value.isEmpty ? "\(name);" : "\(name): \(header.value)"
            list = curl_slist_append(list, line)
        }
        // curl would add Expect: 100-continue to larger bodies and wait a second for a "100"
        // many servers never send; and it labels POST bodies form-urlencoded unless told not to.
        list = curl_slist_append(list, "Expect:")
        if !hasContentType { list = curl_slist_append(list, "Content-Type:") }
        headerList = list
        check("httpheader", refkit_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list))

        if let pinnedAddresses, !pinnedAddresses.isEmpty, !url.hostIsLiteralAddress {
            let addresses = pinnedAddresses.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: ",")
            resolveList = curl_slist_append(nil, "\(url.hostForResolve):\(url.port):\(addresses)")
            check("resolve", refkit_curl_easy_setopt_slist(easy, CURLOPT_RESOLVE, resolveList))
        }
        if requirePublicPeer {
            check("prereqfunction", refkit_curl_easy_setopt_prereq_callback(easy, transferPrereq))
            check("prereqdata", refkit_curl_easy_setopt_ptr(easy, CURLOPT_PREREQDATA, context))
        }

        if let (what, code) = failed {
            throw HTTPError(
                code: "http_failed", message: "could not configure the transfer (\(what))",
                detail: curlDescription(code), retryable: false)
        }
    }

    // MARK: Callbacks (driver thread)

    fileprivate func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxResponseBytes else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Trim CR LF as bytes: in Swift "\r\n" is one Character, so `line.last == "\r"` never matches.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 13 || bytes[end - 1] == 10 { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new status line (an interim 1xx, or a proxy's): only the final response counts.
            headers.removeAll(keepingCapacity: true)
            return
        }
        if line.isEmpty { return }
        if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            // Obsolete line folding: continues the previous value.
            headers[headers.count - 1].value += " " + line.trimmingASCIIWhitespace
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased().trimmingASCIIWhitespace
        let value = String(line[line.index(after: colon)...]).trimmingASCIIWhitespace
        headers.append((name: name, value: value))
    }

    fileprivate func admitPeer(_ address: String) -> Bool {
        if AddressClass.isPublic(address) { return true }
        refusedPeer = address
        return false
    }

    // MARK: Results (driver thread)

    var errorText: String {
        let text = String(cString: errorBuffer)
        return text.isEmpty ? "" : text
    }

    var responseCode: Int {
        var code = 0
        _ = refkit_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The absolute URL a 3xx points at (curl resolves a relative Location), if any.
    var redirectURL: String? {
        var pointer: UnsafeMutablePointer<CChar>?
        guard refkit_curl_easy_getinfo_string(easy, CURLINFO_REDIRECT_URL, &pointer) == CURLE_OK,
            let pointer
        else { return nil }
        return String(cString: pointer)
    }

    func outcome() -> TransferOutcome {
        TransferOutcome(
            response: HTTPResponse(status: responseCode, headers: headers, body: body),
            redirectURL: redirectURL, ranFor: startedAt.map { ContinuousClock.now - $0 } ?? .zero)
    }
}

/// What one hop produced.
struct TransferOutcome: Sendable {
    var response: HTTPResponse
    var redirectURL: String?
    /// From its start in the driver to its end (waiting for a gate excluded).
    var ranFor: Duration
}

// C callbacks: plain functions (no captures), reaching their Transfer through the context pointer.

private let transferWrite: refkit_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return 0 }
    // Returning anything but `length` makes curl abort with CURLE_WRITE_ERROR.
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let transferHeader: refkit_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if length > 0, let data { transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) }
    return length
}

private let transferPrereq: refkit_curl_prereq_callback = { context, primaryIP, _, _, _ in
    guard let context, let primaryIP else { return refkit_curl_prereq_abort() }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.admitPeer(String(cString: primaryIP)) ? refkit_curl_prereq_ok() : refkit_curl_prereq_abort()
}

func curlDescription(_ code: CURLcode) -> String {
    "curl \(code.rawValue): \(String(cString: curl_easy_strerror(code)))"
}

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive duration is not zero (which means "none" to curl).
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: millis)
    }
}

extension StringProtocol {
    var trimmingASCIIWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
