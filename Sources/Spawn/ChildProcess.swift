#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with posix_spawn and waitpid, and nothing else: Foundation's
/// `Process` waits for exits on a run loop, which an async `main` never runs and which was seen
/// missing a child's exit under Swift Testing. Output is read with poll, so a chatty child never
/// blocks on a full pipe, and a time limit kills a child that hangs.
public enum ChildProcess {
    public struct Result: Sendable {
        /// The exit code, or 128 + the signal that ended it.
        public var status: Int32
        public var output: [UInt8]
        /// Empty when standard error was combined with standard output or discarded.
        public var errors: [UInt8]

        public var outputText: String { String(decoding: output, as: UTF8.self) }
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    /// Where the child's standard error goes.
    public enum ErrorStream: Sendable { case captured, combinedWithOutput, discarded }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case cannotStart(String, code: Int32)
        case timedOut(String, seconds: Int)

        public var description: String {
            switch self {
            case .cannotStart(let command, let code): "cannot start \(command): \(String(cString: strerror(code)))"
            case .timedOut(let command, let seconds): "\(command) did not finish within \(seconds) s and was killed"
            }
        }
    }

    /// Runs `executable` (looked up on PATH when it has no slash) with `arguments`.
    /// - Parameters:
    ///   - environment: extra variables on top of this process's environment.
    ///   - standardOutput: false sends it to /dev/null.
    ///   - timeLimitSeconds: past it the child is killed and `Failure.timedOut` thrown.
    public static func run(_ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:],
                           standardOutput: Bool = true, standardError: ErrorStream = .captured,
                           timeLimitSeconds: Int? = nil) throws -> Result {
        let command = ([executable] + arguments.prefix(3)).joined(separator: " ")
        var outputPipe: [Int32] = [-1, -1], errorPipe: [Int32] = [-1, -1]
        // Close-on-exec, so a child another thread spawns meanwhile does not inherit this child's pipe:
        // a daemon it starts would hold the write end open and this read would wait for the daemon.
        if standardOutput { guard closeOnExecPipe(&outputPipe) == 0 else { throw Failure.cannotStart(command, code: errno) } }
        if standardError == .captured { guard closeOnExecPipe(&errorPipe) == 0 else { throw Failure.cannotStart(command, code: errno) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Every dup2 before any close: the combined case duplicates the output pipe twice.
        if standardOutput { posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1) }
        else { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
        switch standardError {
        case .captured: posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        case .combinedWithOutput where standardOutput: posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 2)
        case .combinedWithOutput, .discarded: posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        for descriptor in outputPipe + errorPipe where descriptor >= 0 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        if let directory { _ = addChangeDirectory(&actions, directory) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        // This process's environment as it is, unless variables are added (then a merged copy).
        var merged = environment.isEmpty ? nil : Self.merging(environment)
        defer {
            argv.forEach { free($0) }
            merged?.forEach { free($0) }
        }
        var pid: pid_t = 0
        func spawn(_ envp: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
            executable.contains("/")
                ? posix_spawn(&pid, executable, &actions, nil, argv, envp)
                : posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        }
        let spawned = merged?.withUnsafeMutableBufferPointer { spawn($0.baseAddress) } ?? spawn(environ)
        for descriptor in [outputPipe[1], errorPipe[1]] where descriptor >= 0 { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [outputPipe[0], errorPipe[0]] where descriptor >= 0 { close(descriptor) }
            throw Failure.cannotStart(command, code: spawned)
        }

        let deadline = timeLimitSeconds.map { monotonicMilliseconds() + Int64($0) * 1000 }
        var streams = [outputPipe[0], errorPipe[0]].filter { $0 >= 0 }.map { Stream(descriptor: $0) }
        let timedOut = drain(&streams, pid: pid, deadline: deadline)
        for stream in streams { close(stream.descriptor) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if timedOut, let timeLimitSeconds { throw Failure.timedOut(command, seconds: timeLimitSeconds) }
        let exitCode = Self.exitCode(waitStatus: status)
        let output = standardOutput ? streams[0].bytes : []
        let errors = standardError == .captured ? streams[streams.count - 1].bytes : []
        return Result(status: exitCode, output: output, errors: errors)
    }

    /// `environ` with `additions` set, as the NULL-terminated list posix_spawn takes (caller frees).
    static func merging(_ additions: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") { variables[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            entry += 1
        }
        variables.merge(additions) { $1 }
        return environment(variables)
    }

    /// `variables` as the NULL-terminated `NAME=value` list posix_spawn takes (caller frees).
    static func environment(_ variables: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
        variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    }

    /// The exit code waitpid reported, or 128 + the signal that ended the child (as shells say it).
    static func exitCode(waitStatus status: Int32) -> Int32 {
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    struct Stream {
        var descriptor: Int32
        var bytes: [UInt8] = []
        var open = true
    }

    /// Reads every stream to its end; past the deadline kills the child and stops waiting for
    /// output a grandchild might still hold open. Returns whether the deadline was hit.
    static func drain(_ streams: inout [Stream], pid: pid_t, deadline: Int64?) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var killedAt: Int64?
        while streams.contains(where: \.open) {
            let now = monotonicMilliseconds()
            if let deadline, now >= deadline, killedAt == nil {
                kill(pid, SIGKILL)
                killedAt = now
            }
            if let killedAt, now - killedAt > 2_000 { break }
            // After the kill, look in every 200 ms; before it, wake by the deadline (or never without one).
            let wait: Int32 = killedAt != nil ? 200 : deadline.map { Int32(clamping: max(0, min($0 - now, 1_000))) } ?? -1
            var polled = streams.filter(\.open).map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), wait)
            if ready < 0 && errno != EINTR { break }
            for item in polled where item.revents != 0 {
                guard let index = streams.firstIndex(where: { $0.descriptor == item.fd }) else { continue }
                let count = read(item.fd, &buffer, buffer.count)
                if count > 0 { streams[index].bytes += buffer[0..<count] } else if count == 0 || errno != EINTR { streams[index].open = false }
            }
        }
        return killedAt != nil
    }

    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// A pipe whose ends are closed on exec, created in one call (no window for another thread's spawn).
/// Linux has pipe2; macOS does not, and there the flag is set right after.
private func closeOnExecPipe(_ ends: UnsafeMutablePointer<Int32>) -> Int32 {
    #if canImport(Glibc)
    return pipe2(ends, O_CLOEXEC)
    #else
    guard pipe(ends) == 0 else { return -1 }
    for index in 0..<2 { _ = fcntl(ends[index], F_SETFD, FD_CLOEXEC) }
    return 0
    #endif
}

#if canImport(Glibc)
/// glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does not set.
@_silgen_name("pipe2")
private func pipe2(_ ends: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
#endif

/// glibc (2.29+) and macOS have it, but Swift's Glibc module does not declare it (it sits behind _GNU_SOURCE).
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func addChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
