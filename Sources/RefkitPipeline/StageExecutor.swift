import Dispatch

/// Where stages run. Much of a stage's work blocks its thread (libvips pipelines waiting on
/// their workers, fsync, SQLite), and Swift's cooperative pool has one thread per core: two
/// blocked stages stalled everything else. This executor hands jobs to a concurrent dispatch
/// queue, whose pool grows while its threads are blocked.
public final class StageExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "refkit.stages", qos: .userInitiated, attributes: .concurrent)

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
