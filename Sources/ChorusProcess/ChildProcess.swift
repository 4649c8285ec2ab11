import CChildProcess
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process started by Chorus: the one place that starts child processes
/// (the app, its tests and its benchmarks alike).
///
/// A Swift process runs with nearly every signal blocked on its worker
/// threads, and `fork`/`posix_spawn` children inherit that mask and any
/// ignored dispositions: such a child never sees SIGTERM or SIGCHLD, so it
/// cannot be stopped politely and never reaps its own children. Every child
/// started here instead begins with
/// - an empty signal mask and every signal at its default disposition,
/// - only standard input, output and error open (each one `/dev/null`, the
///   parent's, or a pipe), so a daemon it forks cannot hold the parent's
///   descriptors open,
/// - optionally its own process group, so that ``stop(grace:)`` also stops
///   whatever it started.
///
/// Dropping a `ChildProcess` whose child still runs kills it (and its group)
/// and reaps it: a child never outlives the object that owns it.
///
/// Why not swift-subprocess (1.0.2, mirrored): it runs a child only for the
/// duration of a closure, whose `Execution` and output streams must not
/// escape it. Chorus's children outlive any one scope: an MCP stdio server
/// lives for the session and is restarted after a crash, `chorus serve` and
/// `langgraph dev` in the tests live across a test's steps and are killed
/// with -9 mid-run. Wrapping each of those in a task that holds a closure open
/// would be more code than this file, not less.
public final class ChildProcess: Sendable {
    /// Where a child's standard stream goes.
    public enum Stream: Sendable, Equatable {
        /// `/dev/null`.
        case null
        /// The parent's own descriptor.
        case inherit
        /// A pipe whose other end is on this object (``standardInput``, ``standardOutput``, ``standardError``).
        case pipe
        /// A file: read for standard input, created or truncated for output.
        case file(String)
    }

    /// How a child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exited with \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }

        /// The status a shell reports: the exit code, or 128 + the signal.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }
    }

    /// The environment variable that marks every process a test run started
    /// (see `scripts/test.sh`): when the parent has it, each child gets it too,
    /// even when the caller passes an environment of its own.
    public static let markerVariable = "CHORUS_PROCESS_MARKER"

    public let pid: pid_t
    /// Whether the child leads a process group of its own (id = ``pid``).
    public let ownsProcessGroup: Bool
    /// The write end of the child's standard input, when it is a pipe.
    public let standardInput: FileHandle?
    /// The read end of the child's standard output, when it is a pipe.
    public let standardOutput: FileHandle?
    /// The read end of the child's standard error, when it is a pipe.
    public let standardError: FileHandle?

    private let reaper = Reaper()

    /// Starts `executable` (a path, or a name looked up in `PATH`) with `arguments`.
    /// - Parameters:
    ///   - environment: the child's whole environment; nil passes the parent's.
    ///   - workingDirectory: the child's current directory; nil keeps the parent's.
    ///   - ownProcessGroup: put the child in a new process group (for servers
    ///     and anything long-lived that may start children of its own).
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, standardInput: Stream = .null, standardOutput: Stream = .inherit,
        standardError: Stream = .inherit, ownProcessGroup: Bool = false
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var emptyMask = sigset_t(), allSignals = sigset_t()
        sigemptyset(&emptyMask)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if ownProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        // The parent keeps one end of each pipe (close-on-exec); the child gets the other as fd 0, 1 or 2.
        var parentEnds: [Int32?] = [nil, nil, nil], childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        for (fd, stream) in [standardInput, standardOutput, standardError].enumerated() {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, Int32(fd), "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case .inherit:
                break
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, Int32(fd), path, fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard chorus_pipe_cloexec(&ends) == 0 else {
                    for case let end? in parentEnds { close(end) }
                    throw ChildProcessError(executable: executable, reason: "pipe: \(String(cString: strerror(errno)))")
                }
                let (childEnd, parentEnd) = fd == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                parentEnds[fd] = parentEnd
                posix_spawn_file_actions_adddup2(&actions, childEnd, Int32(fd))
            }
        }
        chorus_spawn_add_closefrom(&actions, 3)
        if let workingDirectory { chorus_spawn_add_chdir(&actions, workingDirectory) }

        let argv = CStringArray([executable] + arguments)
        let envp = CStringArray(Self.environment(environment, parent: ProcessInfo.processInfo.environment)
            .map { "\($0.key)=\($0.value)" })
        var pid: pid_t = 0
        let status = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        guard status == 0 else {
            for case let end? in parentEnds { close(end) }
            throw ChildProcessError(executable: executable, reason: String(cString: strerror(status)))
        }
        self.pid = pid
        self.ownsProcessGroup = ownProcessGroup
        self.standardInput = parentEnds[0].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        self.standardOutput = parentEnds[1].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        self.standardError = parentEnds[2].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    /// The environment a child gets: `requested`, or the parent's when nil,
    /// with the parent's ``markerVariable`` carried over.
    public static func environment(_ requested: [String: String]?, parent: [String: String]) -> [String: String] {
        var result = requested ?? parent
        if let marker = parent[markerVariable] { result[markerVariable] = marker }
        return result
    }

    deinit {
        guard reaper.termination(of: pid, blocking: false) == nil else { return }
        sendSignal(SIGKILL)
        _ = reaper.termination(of: pid, blocking: true)
    }

    /// Sends `signal` to the child, or to its whole process group when it has one.
    public func sendSignal(_ signal: Int32) {
        guard reaper.termination(of: pid, blocking: false) == nil || ownsProcessGroup else { return }
        kill(ownsProcessGroup ? -pid : pid, signal)
    }

    /// How the child ended, or nil while it runs.
    public var termination: Termination? { reaper.termination(of: pid, blocking: false) }

    /// Blocks the calling thread until the child ends. Call it from a thread
    /// of your own, or use ``terminationStatus()`` from async code.
    @discardableResult
    public func waitUntilExit() -> Termination {
        reaper.termination(of: pid, blocking: true)!
    }

    /// Waits for the child to end without blocking the cooperative thread pool.
    @discardableResult
    public func terminationStatus() async -> Termination {
        if let done = termination { return done }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: waitUntilExit()) }
        }
    }

    /// Stops the child: SIGTERM (to its group, if it has one), then SIGKILL
    /// after `grace`; with a group of its own, members left after the child
    /// itself ended are killed too. Returns how the child ended.
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) -> Termination {
        sendSignal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while termination == nil && ContinuousClock.now < deadline { usleep(10_000) }
        if termination == nil { sendSignal(SIGKILL) }
        let ended = waitUntilExit()
        if ownsProcessGroup && kill(-pid, 0) == 0 { kill(-pid, SIGKILL) }
        return ended
    }

    /// `stop(grace:)` for async code: the wait runs on a thread of its own, not the cooperative pool.
    @discardableResult
    public func stopped(grace: Duration = .seconds(5)) async -> Termination {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: stop(grace: grace)) }
        }
    }

    /// Runs a command to completion and returns its exit, standard output and standard error.
    public static func run(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, standardInput: Stream = .null
    ) throws -> (termination: Termination, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments, environment: environment, workingDirectory: workingDirectory,
                                     standardInput: standardInput, standardOutput: .pipe, standardError: .pipe)
        // Read stderr on another thread so that neither pipe can fill up and stall the child.
        let stderrData = Box<Data>()
        let readerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrData.set(child.standardError!.readDataToEndOfFile())
            readerDone.signal()
        }
        let out = child.standardOutput!.readDataToEndOfFile()
        readerDone.wait()
        let termination = child.waitUntilExit()
        return (termination, String(decoding: out, as: UTF8.self), String(decoding: stderrData.get() ?? Data(), as: UTF8.self))
    }
}

/// Why a child could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let executable: String
    public let reason: String
    public var description: String { "cannot start \(executable): \(reason)" }
}

/// Reaps one child exactly once and remembers how it ended.
///
/// `@unchecked Sendable` is safe because `ended` is only read or written while
/// `lock` is held, and a blocking `waitpid` also runs under the lock, so two
/// callers can never both reap the pid (the second would get ECHILD).
private final class Reaper: @unchecked Sendable {
    private let lock = NSLock()
    private var ended: ChildProcess.Termination?

    func termination(of pid: pid_t, blocking: Bool) -> ChildProcess.Termination? {
        if !blocking {
            guard lock.try() else { return nil }  // somebody is blocked in waitpid: the child still runs
            defer { lock.unlock() }
            return reap(pid, options: WNOHANG)
        }
        lock.lock()
        defer { lock.unlock() }
        return reap(pid, options: 0)
    }

    private func reap(_ pid: pid_t, options: Int32) -> ChildProcess.Termination? {
        if let ended { return ended }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, options)
            if result == -1 && errno == EINTR { continue }
            guard result == pid else { return nil }
            break
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7f
        ended = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        return ended
    }
}

/// A value handed from one thread to another.
///
/// `@unchecked Sendable` is safe because `value` is only touched under `lock`.
private final class Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    func set(_ new: Value) { lock.lock(); value = new; lock.unlock() }
    func get() -> Value? { lock.lock(); defer { lock.unlock() }; return value }
}

/// NUL-terminated C strings for `argv`/`envp`, freed with the array.
private final class CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]
    init(_ strings: [String]) { pointers = strings.map { strdup($0) } + [nil] }
    deinit { for pointer in pointers { free(pointer) } }
}
