import Dispatch

/// A task executor on a concurrent dispatch queue, for work that must keep answering while
/// Swift's cooperative pool (one thread per core) is busy with blocking work (libvips, fsync,
/// SQLite): the queue's pool grows while its threads are blocked. The metrics server runs on
/// one, so a scrape is answered however busy the stages are, as when it had a thread of its own.
public final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    /// An executor whose threads carry `label` (seen in a debugger or `top -H`).
    public init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
