import CRefkitLinux
import Foundation
import RefkitService

#if canImport(Glibc)
import Glibc
#endif

/// `GET /files/KIT_FOLDER/PATH`: files of the outboxes, read-only, opened beneath the outbox
/// folder so neither `..` nor a symlink leads out of it; and the UI's own assets.
extension WebApp {
    /// Files larger than this are not served (a kit's largest file, the contact sheet, is a few MiB).
    static let maximumFileBytes = 256 << 20

    func file(_ path: String) throws -> HTTPResponse {
        let wanted: OutboxPath
        do { wanted = try OutboxPath(urlPath: path) } catch { throw WebProblem(404, "not_found", error.description) }
        // Kit folders are unique within an outbox; the first outbox that has this one serves it.
        var outboxes: [String] = []
        for watch in configuration.watches where !outboxes.contains(watch.outbox) { outboxes.append(watch.outbox) }
        for outbox in outboxes {
            if let response = try serve(wanted, from: outbox) { return response }
        }
        throw WebProblem(404, "not_found", "no outbox has \(wanted.relativePath)")
    }

    private func serve(_ wanted: OutboxPath, from outbox: String) throws -> HTTPResponse? {
        let root = open(outbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { return nil }
        defer { close(root) }
        let descriptor = refkit_open_beneath(root, wanted.relativePath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw WebProblem(
                404, "not_found", "\(wanted.relativePath) cannot be opened beneath the outbox: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw WebProblem(404, "not_found", "\(wanted.relativePath) is not a regular file")
        }
        guard Int(info.st_size) <= Self.maximumFileBytes else {
            throw WebProblem(413, "file_too_large", "\(wanted.relativePath) is too large to serve")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, $0.count - done) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            done += got
        }
        let tag = "W/\"\(info.st_size)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)\""
        return HTTPResponse(
            status: Self.statusLine(200), contentType: Self.contentType(wanted.components.last ?? ""),
            extraHeaders: ["Cache-Control: no-cache", "ETag: \(tag)"], bytes: Array(bytes.prefix(done)))
    }

    /// The type of an outbox file, by its extension (the outbox holds only what refkit wrote).
    static func contentType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "json": "application/json"
        case "html": "text/html; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    func asset(_ name: String) throws -> HTTPResponse {
        guard let asset = WebAssets.asset(path: Substring("/assets/" + name)) else {
            throw WebProblem(404, "not_found", "no asset \(name)")
        }
        return HTTPResponse(
            status: Self.statusLine(200), contentType: asset.contentType, extraHeaders: ["Cache-Control: no-cache"], body: asset.body)
    }
}
