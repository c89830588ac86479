/// One piece of work per key at a time: a caller that asks while the work for its key is
/// running awaits that work's result instead of starting its own (stages of one kit that all
/// need the kit's analysis pay for one).
actor SingleFlight<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]

    /// The result of `work` for `key`, run now or joined while it runs. Cancelling the caller
    /// that started it cancels the work; a caller that joined it and was not cancelled itself
    /// then starts the work again rather than take the cancellation as its own result.
    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        while true {
            if let task = running[key] {
                do {
                    return try await task.value
                } catch  where task.isCancelled && !Task.isCancelled {
                    if running[key] == task { running[key] = nil }
                    continue
                }
            }
            let task = Task { try await work() }
            running[key] = task
            // Only this task's entry: a joiner may have started the work again meanwhile.
            defer { if running[key] == task { running[key] = nil } }
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        }
    }
}
