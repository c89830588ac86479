import Logging

/// Sends `WATCHDOG=1` while the daemon's main loop says it is healthy, so that systemd restarts
/// a daemon that is stuck rather than one whose process merely lives.
///
/// A ping goes out every half watchdog interval (as `sd_watchdog_enabled(3)` advises), and only
/// when `isHealthy` returns true at that moment. When the daemon is unhealthy for a whole
/// interval, systemd kills and restarts it (`WatchdogSec=` with `Restart=on-failure`).
/// A health check that never returns (a wedged actor) withholds pings too, which is the point.
/// Nothing is sent before the daemon's `READY=1` (see `SystemdNotifier.watchdog()`).
public struct WatchdogPinger: Sendable {
    /// The watchdog interval systemd enforces.
    public let interval: Duration
    /// How often the health check (and, when healthy, a ping) happens.
    public var pingInterval: Duration { Self.pingInterval(for: interval) }

    private let notifier: SystemdNotifier
    private let isHealthy: @Sendable () async -> Bool
    private let logger: Logger

    /// Pings through `notifier` for a watchdog of `interval`, asking `isHealthy` before each ping.
    public init(
        notifier: SystemdNotifier, interval: Duration, logger: Logger = Logger(label: "refkit.service"),
        isHealthy: @escaping @Sendable () async -> Bool
    ) {
        self.notifier = notifier
        self.interval = interval
        self.logger = logger
        self.isHealthy = isHealthy
    }

    /// A pinger for the watchdog systemd set up for this process (`$WATCHDOG_USEC`); nil when
    /// there is none (no `WatchdogSec=`, or not under systemd).
    public init?(
        notifier: SystemdNotifier, logger: Logger = Logger(label: "refkit.service"), isHealthy: @escaping @Sendable () async -> Bool
    ) {
        guard notifier.isEnabled, let interval = notifier.watchdogInterval else { return nil }
        self.init(notifier: notifier, interval: interval, logger: logger, isHealthy: isHealthy)
    }

    /// Half the watchdog interval: one late ping still leaves a margin.
    public static func pingInterval(for watchdog: Duration) -> Duration { watchdog / 2 }

    /// Checks and pings every `pingInterval` until the task is cancelled. Logs when health
    /// changes (not at every tick).
    public func run() async {
        var wasHealthy = true
        while !Task.isCancelled {
            let healthy = await isHealthy()
            if healthy {
                notifier.watchdog()
                if !wasHealthy { logger.notice("main loop healthy again; watchdog pings resumed") }
            } else if wasHealthy {
                logger.warning(
                    "main loop unhealthy; watchdog pings withheld, systemd restarts refkit if this lasts",
                    metadata: ["watchdog_s": "\(interval)"])
            }
            wasHealthy = healthy
            // Pacing, not synchronisation: the next check is due half an interval later.
            do { try await Task.sleep(for: pingInterval) } catch { return }
        }
    }
}
