import RefkitSystem

extension DispatchTaskExecutor {
    /// Where the in-process fake servers run. Tests around them do blocking work (libvips,
    /// fsync, SQLite) on Swift's cooperative pool, one thread per core; a server starved there
    /// answered late enough for clients to see resets.
    public static let fakeServers = DispatchTaskExecutor(label: "refkit.test.fake-servers")
}
