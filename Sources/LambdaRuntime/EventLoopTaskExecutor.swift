import NIOCore

/// Runs a task tree's jobs on one NIO event loop (an SE-0417 task executor). The Runtime API client
/// and the database clients do their I/O on NIO's loops; without a preference every await on them
/// resumes on Swift's cooperative pool, so each read and write of an invocation crosses threads
/// twice. With it, the loop, the handler and their clients share one thread, as a single-threaded
/// Lambda sandbox would have them anyway.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: an EventLoop is thread-safe, and nothing else is stored.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
