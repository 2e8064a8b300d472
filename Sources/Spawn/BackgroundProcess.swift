#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A child program that runs alongside the caller (a server, a function under test) until it exits
/// or is stopped: posix_spawn, a non-blocking waitpid, signals. No run loop and no helper thread,
/// unlike Foundation's `Process`, whose launches were seen deadlocking parallel async tests.
public final class BackgroundProcess: Sendable {
    public let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t) { self.pid = pid }

    /// Starts `executable` (a path) with `arguments`. Standard output and error go to `outputPath`
    /// (created or truncated), or to /dev/null.
    /// - Parameter environment: the child's whole environment when `inheritEnvironment` is false;
    ///   otherwise variables added to this process's own.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             inheritEnvironment: Bool = true, outputPath: String? = nil) throws -> BackgroundProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        var envp = inheritEnvironment
            ? ChildProcess.merging(environment)
            : ChildProcess.environment(environment)
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = envp.withUnsafeMutableBufferPointer { posix_spawn(&pid, executable, &actions, nil, argv, $0.baseAddress) }
        guard spawned == 0 else { throw ChildProcess.Failure.cannotStart(executable, code: spawned) }
        return BackgroundProcess(pid: pid)
    }

    /// Whether the child is still running; reaps it once it has exited.
    public var isRunning: Bool { status == nil }

    /// The exit code (or 128 + the signal that ended it) once the child has exited; -1 if something
    /// else in this process reaped it first.
    public var status: Int32? {
        exitStatus.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid {
                known = ChildProcess.exitCode(waitStatus: raw)
            } else if reaped == -1 && errno == ECHILD {
                known = -1
            }
            return known
        }
    }

    /// SIGTERM, then SIGKILL if it is still there after `graceMilliseconds`; returns once it has exited.
    public func stop(graceMilliseconds: Int = 2_000) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<max(1, graceMilliseconds / 20) {
            if !isRunning { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        while isRunning { usleep(5_000) }
    }
}
