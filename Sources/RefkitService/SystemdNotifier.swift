import Foundation
import Logging
import RefkitSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing (`sd_notify(3)` without libsystemd): one datagram
/// of `KEY=VALUE` lines to the socket named by `$NOTIFY_SOCKET`.
///
/// Without `$NOTIFY_SOCKET` (not started by systemd, or `Type=simple`) every call is a no-op.
/// Sending never throws into the caller: notification is advisory, and a daemon must not stop
/// working because systemd is not listening. The first failure is logged; later ones are not,
/// so a broken socket cannot flood the journal.
public final class SystemdNotifier: Sendable {
    /// Where the datagrams go, parsed from `$NOTIFY_SOCKET`; nil when notification is off.
    public let socketAddress: String?
    /// How often systemd expects `WATCHDOG=1` (`$WATCHDOG_USEC`), when the watchdog is on
    /// for this process (`$WATCHDOG_PID` unset or equal to our pid).
    public let watchdogInterval: Duration?

    private let destination: UnixDatagramAddress?
    private let descriptor: Int32
    private let failureLogged = Mutex(false)
    /// Set by the first `ready()`: systemd's watchdog starts with the start-up's end, so
    /// `WATCHDOG=1` before it means nothing (and says "alive" of a daemon still starting).
    private let readySent = Mutex(false)
    private let logger: Logger

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger = Logger(label: "refkit.service")) {
        self.logger = logger
        watchdogInterval = Self.watchdogInterval(environment: environment, pid: getpid())
        guard let name = environment["NOTIFY_SOCKET"], !name.isEmpty else {
            socketAddress = nil
            destination = nil
            descriptor = -1
            return
        }
        socketAddress = name
        let address: UnixDatagramAddress
        let fd: Int32
        do {
            address = try UnixDatagramAddress(name)
            fd = try systemCall("socket AF_UNIX for NOTIFY_SOCKET") {
                socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            }
        } catch {
            logger.warning(
                "cannot notify systemd; service state updates are off", metadata: ["notify_socket": "\(name)", "error": "\(error)"])
            failureLogged.withLock { $0 = true }
            destination = nil
            descriptor = -1
            return
        }
        destination = address
        descriptor = fd
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether datagrams are sent at all (`$NOTIFY_SOCKET` was set and usable).
    public var isEnabled: Bool { destination != nil }

    /// `READY=1`: start-up is finished (or a reload is).
    public func ready() {
        readySent.withLock { $0 = true }
        notify("READY=1")
    }

    /// Whether `ready()` was called: start-up is over.
    public var isReady: Bool { readySent.withLock { $0 } }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (which systemd 253+ requires to match a reload to
    /// its `READY=1`; systemd 252 ignores it). Send `ready()` when the reload is done.
    public func reloading() { notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())") }

    /// `STOPPING=1`: shutdown has begun (systemd then waits up to `TimeoutStopSec=`).
    public func stopping() { notify("STOPPING=1") }

    /// `STATUS=text`, shown by `systemctl status`. Line breaks become spaces, since each line
    /// of a notification is its own assignment.
    public func status(_ text: String) {
        let oneLine = String(text.map { $0.isNewline ? " " : $0 })
        notify("STATUS=\(oneLine)")
    }

    /// `EXTEND_TIMEOUT_USEC=`: asks systemd for `time` more before it gives up on the current
    /// start, reload or stop (e.g. while a long drain makes progress).
    public func extendTimeout(by time: Duration) {
        let (seconds, attoseconds) = time.components
        notify("EXTEND_TIMEOUT_USEC=\(max(0, seconds) * 1_000_000 + attoseconds / 1_000_000_000_000)")
    }

    /// `WATCHDOG=1`: the service is alive; send more often than `watchdogInterval`. Only after
    /// `READY=1` (returns false, sending nothing, before it): systemd arms the watchdog when
    /// start-up ends, and a ping before then would vouch for a daemon not yet up.
    @discardableResult
    public func watchdog() -> Bool {
        guard isReady else { return false }
        return notify("WATCHDOG=1")
    }

    /// Sends `raw` as one datagram (newline-separated assignments). Returns whether it was sent;
    /// false when notification is off or the send failed (logged once).
    @discardableResult
    public func notify(_ raw: String) -> Bool {
        guard let destination else { return false }
        var bytes = Array(raw.utf8)
        let sent: Result<Int, SystemCallError> = bytes.withUnsafeMutableBytes { payload in
            destination.withSockaddr { address, length in
                Result { () throws(SystemCallError) -> Int in
                    // Never waits: a full socket queue (a listener that stopped reading) would block a
                    // thread of the cooperative pool, and two of them stall a 2-core daemon whole.
                    try systemCall("sendto NOTIFY_SOCKET") {
                        sendto(descriptor, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), address, length)
                    }
                }
            }
        }
        switch sent {
        case .success: return true
        case .failure(let error):
            let first = failureLogged.withLock { logged in
                defer { logged = true }
                return !logged
            }
            if first {
                logger.warning(
                    "cannot notify systemd; further failures are not logged",
                    metadata: ["notify_socket": "\(socketAddress ?? "")", "error": "\(error)"])
            }
            return false
        }
    }

    /// `WATCHDOG_USEC` as a duration, when positive and meant for `pid`.
    static func watchdogInterval(environment: [String: String], pid: pid_t) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let micros = UInt64(text), micros > 0, micros < UInt64(Int64.max) else { return nil }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty {
            guard let ownerPid = pid_t(owner), ownerPid == pid else { return nil }
        }
        return .microseconds(Int64(micros))
    }

    /// `CLOCK_MONOTONIC` in microseconds, the clock systemd uses for `MONOTONIC_USEC=`.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
