/// A clock read as time since a fixed origin, so the values intake keeps (`PairingBook`) count
/// in plain `Duration`s whatever the clock: `ContinuousClock` in the daemon, a test's own
/// clock elsewhere.
struct Timeline: Sendable {
    /// Time since the origin.
    let now: @Sendable () -> Duration
    /// Sleeps until `deadline` (time since the origin); throws when cancelled.
    let sleep: @Sendable (_ deadline: Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { deadline in try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil) }
    }
}
