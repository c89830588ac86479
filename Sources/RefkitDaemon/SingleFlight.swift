/// One piece of work per key at a time: a caller that asks while the work for its key is
/// running awaits that work's result instead of starting its own (stages of one kit that all
/// need the kit's analysis pay for one).
actor SingleFlight<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]

    /// The result of `work` for `key`, run now or joined while it runs. Cancelling the caller
    /// that started it cancels the work (the others then see the cancellation too).
    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] { return try await task.value }
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }
}
