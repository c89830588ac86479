import CRefkitLinux
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command hook: its argv without a shell, in a process group of its own, with a minimal
/// environment, stdin from /dev/null, stdout and stderr into one pipe kept up to a bound, and a
/// time limit after which the whole group is killed (a script's children too).
///
/// posix_spawn, not Foundation's `Process`: `Process.run()` crashes now and then on Swift 6.3.1
/// (see RefkitTestSupport's ChildProcess, which is for tests only and knows no process groups,
/// environments or time limits).
public enum HookCommand {
    /// How a run ended.
    public struct Result: Sendable, Equatable {
        /// The exit status, or nil when a signal ended it.
        public var status: Int32?
        public var signal: Int32?
        /// The time limit was reached and the group killed.
        public var timedOut = false
        /// What it wrote, up to the bound.
        public var output: [UInt8] = []
        /// What it wrote beyond the bound (counted, not kept).
        public var droppedBytes = 0

        /// The run as a delivery attempt: exit status 0 delivers.
        public var attempt: HookAttempt {
            if status == 0 { return .succeeded }
            if timedOut { return .failed(error: "timed out; its process group was killed") }
            if let signal { return .failed(error: "killed by signal \(signal)") }
            return .failed(error: "exited with status \(status ?? -1)")
        }

        /// The output as one log field: invalid UTF-8 replaced, and how much was left out.
        public var outputText: String {
            String(decoding: output, as: UTF8.self) + (droppedBytes > 0 ? " [\(droppedBytes) more bytes not kept]" : "")
        }
    }

    /// The environment every command gets, besides its `REFKIT_*` variables: the daemon's own
    /// (API keys among it) never reaches a hook.
    public static let baseEnvironment = ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"]

    /// Runs `argv` to its end or its time limit, on a thread of its own (never a cooperative one).
    public static func run(
        _ argv: [String], environment: [String], timeout: Duration, outputLimit: Int = 8192
    ) async throws(HookCommandError) -> Result {
        let started = try spawn(argv, environment: baseEnvironment + environment)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: supervise(started, timeout: timeout, outputLimit: outputLimit))
            }
        }
    }

    private static func spawn(_ argv: [String], environment: [String]) throws(HookCommandError) -> (pid: pid_t, output: Int32) {
        guard let program = argv.first else { throw HookCommandError(program: "", reason: "the command is empty") }
        var fds: [Int32] = [0, 0]
        guard pipe2(&fds, O_CLOEXEC) == 0 else {
            throw HookCommandError(program: program, reason: "pipe2: \(String(cString: strerror(errno)))")
        }
        defer { close(fds[1]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        // Exactly three descriptors: the daemon's database, sockets and inotify stay its own.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        posix_spawn_file_actions_addchdir_np(&actions, "/")

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        var none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        // Group 0: a new group led by the child, so a time-out kills what it started as well.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer { for pointer in cArgv + cEnv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, cArgv, cEnv)
        guard result == 0 else {
            close(fds[0])
            throw HookCommandError(program: program, reason: String(cString: strerror(result)))
        }
        return (pid, fds[0])
    }

    /// Reads the output and waits for the exit, killing the group at the deadline. After the
    /// command exits, a child it left holding the pipe is waited for one more second at most.
    private static func supervise(_ started: (pid: pid_t, output: Int32), timeout: Duration, outputLimit: Int) -> Result {
        let (pid, fd) = started
        defer { close(fd) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var result = Result()
        var exited: ContinuousClock.Instant?
        var outputOpen = true
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if exited == nil, reap(pid, flags: WNOHANG, into: &result) { exited = clock.now }
            if let exited, !outputOpen || clock.now - exited > .seconds(1) { break }
            if exited == nil, clock.now >= deadline {
                // Still unreaped, so the group id cannot have been reused.
                kill(-pid, SIGKILL)
                result.timedOut = true
                _ = reap(pid, flags: 0, into: &result)
                break
            }
            guard outputOpen else {
                // The output ended before the exit: wait in short steps, so the deadline is kept.
                usleep(10_000)
                continue
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 50)
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                let keep = max(0, min(count, outputLimit - result.output.count))
                result.output.append(contentsOf: chunk[0..<keep])
                result.droppedBytes += count - keep
            } else if count == 0 || errno != EINTR {
                outputOpen = false
            }
        }
        return result
    }

    /// waitpid; true when the child was reaped (its status then in `result`).
    private static func reap(_ pid: pid_t, flags: Int32, into result: inout Result) -> Bool {
        var status: Int32 = 0
        var reaped = waitpid(pid, &status, flags)
        while reaped < 0, errno == EINTR { reaped = waitpid(pid, &status, flags) }
        guard reaped == pid else { return false }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        if status & 0x7f == 0 {
            result.status = (status >> 8) & 0xff
        } else {
            result.signal = status & 0x7f
        }
        return true
    }
}

/// A command hook that could not be started, naming the program and why.
public struct HookCommandError: Error, Sendable, CustomStringConvertible {
    public var program: String
    public var reason: String
    public var description: String { "cannot start \(program): \(reason)" }
}
