extension SystemdNotifier {
    /// How often a draining stop asks systemd for more time, and how much each time.
    static let stopExtensionStep = Duration.seconds(5)
    static let stopExtensionAhead = Duration.seconds(15)

    /// While a stop drains, tells systemd `EXTEND_TIMEOUT_USEC=` every few seconds, so
    /// `TimeoutStopSec=` does not kill a drain that is making its way to the end. Bounded: the
    /// extensions end when the caller cancels the task (everything has stopped) and at the latest
    /// after `limit`, so a daemon stuck in its stop is still killed by systemd.
    public func extendTimeoutWhileStopping(for limit: Duration) async {
        guard isEnabled else { return }
        let end = ContinuousClock.now + limit
        while !Task.isCancelled, ContinuousClock.now < end {
            extendTimeout(by: Self.stopExtensionAhead)
            do { try await Task.sleep(for: Self.stopExtensionStep) } catch { return }
        }
    }
}
