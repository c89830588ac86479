import CRefkitLinux
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, for tests that run `refkit`, `curl`, `python3` …
///
/// Foundation's `Process.run()` cannot be used here: on Linux with Swift 6.3.1 it crashes now
/// and then (SIGSEGV in `findMaximumOpenFromProcSelfFD`, an over-read of `/proc/self/fd`
/// entries; swift-corelibs-foundation PR 5472, fixed after 6.3.1). It brought the whole test
/// run down about once in four full runs.
///
/// The child gets exactly three descriptors (stdin from /dev/null, stdout and stderr as asked),
/// so no test's sockets, pipes or database files leak into it; pipes are created close-on-exec,
/// so a child spawned at the same moment never holds another child's pipe open.
public final class ChildProcess: Sendable {
    public enum Output: Sendable {
        /// Kept in a pipe: read it with `readOutput()` (stdout only).
        case capture
        /// Appended to a file.
        case append(String)
        /// Into stdout's destination (stderr only).
        case stdout
        case discard
    }

    public let pid: pid_t
    private let outputFD: Int32?
    private let exit = Mutex<Int32?>(nil)

    public init(
        _ executable: String, _ arguments: [String], directory: String? = nil,
        stdout: Output = .capture, stderr: Output = .stdout
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var toClose: [Int32] = []
        defer { for fd in toClose { close(fd) } }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var captured: Int32?
        func open(_ output: Output, as target: Int32) throws {
            switch output {
            case .capture:
                var fds: [Int32] = [0, 0]
                guard pipe2(&fds, O_CLOEXEC) == 0 else { throw FixtureError("pipe2: \(String(cString: strerror(errno)))") }
                captured = fds[0]
                toClose.append(fds[1])
                posix_spawn_file_actions_adddup2(&actions, fds[1], target)
            case .append(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .stdout:
                posix_spawn_file_actions_adddup2(&actions, 1, target)
            case .discard:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        if case .capture = stderr { throw FixtureError("ChildProcess captures stdout only; send stderr to .stdout or a file") }
        try open(stdout, as: 1)
        try open(stderr, as: 2)
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }

        // Default signal actions and an empty mask, as Foundation.Process gives: a test process
        // may ignore or block signals (SIGPIPE, SIGTERM) that the child must receive.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        var none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            if let captured { close(captured) }
            throw FixtureError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.outputFD = captured
    }

    deinit {
        if let outputFD { close(outputFD) }
    }

    /// Everything the child wrote to a captured stdout, up to its end (blocks: call off the pool).
    public func readOutput() -> [UInt8] {
        guard let fd = outputFD else { return [] }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return bytes
            }
        }
    }

    /// Waits for the child and returns its exit status, or the signal that killed it (as Foundation.Process does).
    /// Blocks: call it off Swift's cooperative pool.
    @discardableResult
    public func wait() -> Int32 {
        if let known = exit.withLock({ $0 }) { return known }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return exit.withLock { $0 } ?? -1 }
        }
        return record(status)
    }

    /// False once the child has exited (and reaps it).
    public var isRunning: Bool {
        if exit.withLock({ $0 }) != nil { return false }
        var status: Int32 = 0
        var reaped = waitpid(pid, &status, WNOHANG)
        while reaped < 0, errno == EINTR { reaped = waitpid(pid, &status, WNOHANG) }
        if reaped == pid {
            record(status)
            return false
        }
        // 0: still running. -1 (ECHILD): a concurrent `wait()` reaped it and records its status.
        return reaped == 0
    }

    /// The exit status once known.
    public var terminationStatus: Int32? { exit.withLock { $0 } }

    public func kill(_ signal: Int32) {
        if exit.withLock({ $0 }) == nil { _ = Glibc.kill(pid, signal) }
    }

    /// SIGKILL and reap, for clean-up: no child and no zombie is left behind.
    public func killAndReap() {
        guard isRunning else { return }
        kill(SIGKILL)
        wait()
    }

    @discardableResult
    private func record(_ status: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
        exit.withLock { $0 = code }
        return code
    }

    /// Runs a program to its end: its exit status and what it wrote to stdout (and stderr,
    /// unless `stderr` says otherwise). Blocks: call it off Swift's cooperative pool.
    public static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, stderr: Output = .stdout
    ) throws -> (status: Int32, output: String) {
        let child = try ChildProcess(executable, arguments, directory: directory, stdout: .capture, stderr: stderr)
        let output = child.readOutput()
        return (child.wait(), String(decoding: output, as: UTF8.self))
    }

    /// `run` on a dispatch thread, for async tests (the wait never blocks a cooperative thread).
    public static func runOffPool(
        _ executable: String, _ arguments: [String], directory: String? = nil, stderr: Output = .stdout
    ) async throws -> (status: Int32, output: String) {
        try await offPool { try run(executable, arguments, directory: directory, stderr: stderr) }
    }
}

/// Runs blocking work (a process wait, a python validator) on a dispatch thread and awaits it:
/// never on one of the cooperative pool's threads, or in-process fakes beside it starve.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
