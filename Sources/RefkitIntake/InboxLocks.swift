import Foundation
import RefkitConfig
import RefkitCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The inboxes this daemon takes files from, each claimed by an exclusive `flock` on
/// `INBOX/.refkit-inbox.lock` (a dot file, so no inbox ever takes it in). A second daemon,
/// whatever its state directory, cannot claim the same inbox and says whose it is; the kernel
/// drops the lock when the holder exits, crashed or not, so a stale file never blocks.
///
/// One registry per daemon: `flock` locks belong to an open file, so a reload that keeps an
/// inbox keeps the lock it holds instead of asking again (and being refused by itself).
public final class InboxLocks: Sendable {
    /// The lock file's name in each inbox.
    public static let fileName = ".refkit-inbox.lock"
    /// Written into each lock file, so a refused daemon can say whose the inbox is.
    public let stateDir: String
    /// Inbox path (standardised) → the open, locked lock file.
    private let held = Mutex<[String: Int32]>([:])

    /// A registry holding nothing yet, for the daemon of the state directory `stateDir`.
    public init(stateDir: String) {
        self.stateDir = stateDir
    }

    deinit {
        held.withLock { for fd in $0.values { close(fd) } }
    }

    /// Claims the inboxes of `watches` not claimed yet (creating the folders); on a failure
    /// the ones claimed by this call are released and nothing changes.
    public func claim(_ watches: [Configuration.Watch]) throws(RefkitError) {
        var taken: [String: Int32] = [:]
        for inbox in Set(watches.map { ($0.inbox as NSString).standardizingPath }).sorted() where !isHeld(inbox) {
            do {
                taken[inbox] = try lock(inbox)
            } catch {
                for fd in taken.values { close(fd) }
                throw error
            }
        }
        held.withLock { $0.merge(taken) { old, _ in old } }
    }

    /// Releases the inboxes no watch in `watches` uses any more (after a reload).
    public func release(keeping watches: [Configuration.Watch]) {
        let keep = Set(watches.map { ($0.inbox as NSString).standardizingPath })
        held.withLock { held in
            for (inbox, fd) in held where !keep.contains(inbox) {
                close(fd)
                held[inbox] = nil
            }
        }
    }

    /// Whether this registry holds the lock of `inbox` (a standardised path).
    public func isHeld(_ inbox: String) -> Bool { held.withLock { $0[inbox] != nil } }

    private func lock(_ inbox: String) throws(RefkitError) -> Int32 {
        do {
            try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        } catch {
            throw RefkitError(.inboxUnwritable, "cannot create the inbox folder", detail: "\(inbox): \(error.localizedDescription)")
        }
        let path = "\(inbox)/\(Self.fileName)"
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RefkitError(
                .inboxUnwritable, "cannot open the inbox's lock file", detail: "\(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(fd)
            close(fd)
            throw RefkitError(
                .inboxLocked, "another refkit daemon takes files from this inbox",
                detail: "\(path) is held by the daemon with state directory \(holder); stop it, or give each daemon its own inbox")
        }
        let text = "state_dir=\(stateDir)\npid=\(getpid())\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return fd
    }

    /// The holder's state directory as it wrote it, or a placeholder.
    private static func holder(_ fd: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        let text = String(decoding: bytes.prefix(max(0, n)), as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("state_dir=") }
        let pid = text.split(separator: "\n").first { $0.hasPrefix("pid=") }.map { " (pid \($0.dropFirst(4)))" } ?? ""
        return line.map { String($0.dropFirst("state_dir=".count)) + pid } ?? "(unknown)"
    }
}
