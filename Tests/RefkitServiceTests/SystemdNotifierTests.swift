import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitService

#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct SystemdNotifierTests {
    @Test func sendsEachNotificationToAPathSocket() throws {
        let folder = try TemporaryDirectory("notify")
        let receiver = try DatagramReceiver(folder.url("notify.sock"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        #expect(notifier.isEnabled)

        notifier.ready()
        #expect(try receiver.receive() == "READY=1")
        notifier.status("queued 3\nrunning 1, spend today $0.12")
        #expect(try receiver.receive() == "STATUS=queued 3 running 1, spend today $0.12")
        notifier.watchdog()
        #expect(try receiver.receive() == "WATCHDOG=1")
        notifier.stopping()
        #expect(try receiver.receive() == "STOPPING=1")
        notifier.extendTimeout(by: .seconds(45))
        #expect(try receiver.receive() == "EXTEND_TIMEOUT_USEC=45000000")
        #expect(notifier.notify("STATUS=draining\nEXTEND_TIMEOUT_USEC=5000000"))
        #expect(try receiver.receive() == "STATUS=draining\nEXTEND_TIMEOUT_USEC=5000000")
    }

    @Test func sendsToAnAbstractSocketWithTheExactNameLength() throws {
        // The receiver binds the name without padding, as systemd does: a sender that passed
        // sizeof(sockaddr_un) would address a different (NUL-padded) name and be refused.
        let receiver = try DatagramReceiver("@\(uniqueName("refkit-test"))")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        #expect(notifier.isEnabled)
        notifier.ready()
        #expect(try receiver.receive() == "READY=1")
        notifier.status("idle")
        #expect(try receiver.receive() == "STATUS=idle")
    }

    @Test func abstractAddressLengthIsOffsetPlusName() throws {
        let address = try UnixDatagramAddress("@refkit-abc")
        #expect(address.path == [0] + Array("refkit-abc".utf8))
        #expect(Int(address.length) == UnixDatagramAddress.pathOffset + 1 + "refkit-abc".utf8.count)
        let path = try UnixDatagramAddress("/run/systemd/notify")
        #expect(Int(path.length) == UnixDatagramAddress.pathOffset + "/run/systemd/notify".utf8.count + 1)
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let receiver = try DatagramReceiver("@\(uniqueName("refkit-test"))")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        let before = SystemdNotifier.monotonicMicroseconds()
        notifier.reloading()
        let after = SystemdNotifier.monotonicMicroseconds()
        let payload = try #require(try receiver.receive())
        let lines = payload.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(
            lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst("MONOTONIC_USEC=".count)) : nil })
        #expect(stamp >= before && stamp <= after)
    }

    @Test func withoutNotifySocketEverythingIsANoOp() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(notifier.socketAddress == nil)
        #expect(notifier.watchdogInterval == nil)
        notifier.ready()
        notifier.reloading()
        notifier.status("x")
        notifier.watchdog()
        notifier.stopping()
        #expect(!notifier.notify("READY=1"))
    }

    @Test func unusableSocketsNeverThrowIntoTheCaller() throws {
        let folder = try TemporaryDirectory("notify")
        let missing = SystemdNotifier(environment: ["NOTIFY_SOCKET": folder.url("nobody-listens.sock")])
        #expect(missing.isEnabled)
        #expect(!missing.notify("READY=1"))
        #expect(!missing.notify("READY=1"))
        let relative = SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"])
        #expect(!relative.isEnabled)
        #expect(!relative.notify("READY=1"))
        let tooLong = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)])
        #expect(!tooLong.isEnabled)
    }

    @Test func watchdogIntervalComesFromWatchdogUsec() {
        let pid = getpid()
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "60000000"], pid: pid) == .seconds(60))
        #expect(
            SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "250000", "WATCHDOG_PID": "\(pid)"], pid: pid)
                == .milliseconds(250))
        // Meant for another process (a parent that exec'd us without clearing it).
        #expect(
            SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "\(pid + 1)"], pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"], pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "soon"], pid: pid) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:], pid: pid) == nil)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogInterval == .seconds(30))
    }
}
