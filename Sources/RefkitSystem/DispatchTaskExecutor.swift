import Dispatch

/// A task executor on a concurrent dispatch queue, for work that blocks its thread (libvips
/// pipelines waiting on their workers, fsync, SQLite) and for work that must keep answering
/// while other work blocks. Swift's cooperative pool has one thread per core, so two blocked
/// tasks there stall everything else; a concurrent queue's pool grows while its threads are
/// blocked. Stages, the janitor, the `/metrics` listener and the tests' fake servers each run
/// on one.
public final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    /// An executor whose queue carries `label` (seen in a debugger) and runs jobs at `qos`.
    public init(label: String, qos: DispatchQoS = .userInitiated) {
        queue = DispatchQueue(label: label, qos: qos, attributes: .concurrent)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
