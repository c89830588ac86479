import Dispatch

/// Where the in-process fake servers run. Tests around them do blocking work (libvips, fsync,
/// SQLite) on Swift's cooperative pool, one thread per core; a server starved there answered
/// late enough for clients to see resets. A concurrent dispatch queue grows while its threads
/// are blocked.
public final class FakeServerExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = FakeServerExecutor()
    private let queue = DispatchQueue(label: "refkit.test.fake-servers", qos: .userInitiated, attributes: .concurrent)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
