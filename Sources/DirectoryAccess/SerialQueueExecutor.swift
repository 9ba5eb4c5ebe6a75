import Dispatch

/// Runs an actor's jobs on a private serial DispatchQueue, so libldap's blocking calls never occupy the
/// cooperative thread pool (two threads on a two-core machine). `DispatchSerialQueue` as an executor is
/// Apple-only, hence these few lines.
final class SerialQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
