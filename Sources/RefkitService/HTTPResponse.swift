/// One HTTP/1.0 response, closed after sending.
struct HTTPResponse {
    var status: String
    var contentType = "text/plain; charset=utf-8"
    var extraHeaders: [String] = []
    var body: String
    var headOnly = false

    var bytes: [UInt8] {
        let payload = Array(body.utf8)
        var head = "HTTP/1.0 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n"
        for header in extraHeaders { head += "\(header)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (headOnly ? [] : payload)
    }
}
