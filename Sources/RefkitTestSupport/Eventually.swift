/// A condition awaited with a bound did not come true.
public struct TimedOut: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Re-checks `condition` until it holds, for at most `timeout`; throws `TimedOut` naming
/// `what` (and the last `state` it reports) otherwise. For state that only changes through the
/// code under test (a database row, a folder listing): each check is cheap and the wait is
/// bounded, so a missed event cannot hang a test.
public func eventually(
    _ what: String,
    timeout: Duration = .seconds(30),
    interval: Duration = .milliseconds(20),
    state: () async -> String = { "" },
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return }
        guard ContinuousClock.now < deadline else {
            throw TimedOut("timed out after \(timeout) waiting for \(what) \(await state())")
        }
        try await Task.sleep(for: interval)
    }
}
