import Foundation
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitService

@Suite(.timeLimit(.minutes(1)))
struct WatchdogPingerTests {
    @Test func pingsEveryHalfInterval() {
        #expect(WatchdogPinger.pingInterval(for: .seconds(60)) == .seconds(30))
        #expect(WatchdogPinger.pingInterval(for: .milliseconds(100)) == .milliseconds(50))
    }

    @Test func noPingerWithoutAWatchdog() {
        let withoutSocket = SystemdNotifier(environment: ["WATCHDOG_USEC": "100000"])
        #expect(WatchdogPinger(notifier: withoutSocket, isHealthy: { true }) == nil)
        let withoutWatchdog = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x"])
        #expect(WatchdogPinger(notifier: withoutWatchdog, isHealthy: { true }) == nil)
    }

    @Test func pingsWhileHealthyAndStopsWhileUnhealthy() async throws {
        let receiver = try DatagramReceiver("@\(uniqueName("refkit-watchdog"))")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket, "WATCHDOG_USEC": "100000"])
        let healthy = Mutex(true)
        // Each health check reports what it answered, so the test awaits checks, not time.
        let (checks, reportCheck) = AsyncStream.makeStream(of: Bool.self)
        let pinger = try #require(
            WatchdogPinger(notifier: notifier) {
                let answer = healthy.withLock { $0 }
                reportCheck.yield(answer)
                return answer
            })
        #expect(pinger.interval == .milliseconds(100))
        #expect(pinger.pingInterval == .milliseconds(50))

        let running = Task { await pinger.run() }
        defer { running.cancel() }
        var checkResults = checks.makeAsyncIterator()

        // Healthy, but start-up is not over: no ping before READY=1 (systemd arms the watchdog then).
        for _ in 0..<2 { #expect(await checkResults.next() == true) }
        #expect(try receiver.drain().isEmpty, "WATCHDOG=1 before READY=1")
        notifier.ready()
        #expect(try await receiver.next() == "READY=1")
        for _ in 0..<3 { #expect(try await receiver.next() == "WATCHDOG=1") }

        healthy.withLock { $0 = false }
        // Once a check has answered false, every ping sent before it is already queued.
        while let answer = await checkResults.next(), answer {}
        _ = try receiver.drain()
        for _ in 0..<3 {
            let answer = await checkResults.next()
            #expect(answer == false)
        }
        #expect(try receiver.drain().isEmpty)

        healthy.withLock { $0 = true }
        #expect(try await receiver.next() == "WATCHDOG=1")

        running.cancel()
        await running.value
        reportCheck.finish()
    }
}
