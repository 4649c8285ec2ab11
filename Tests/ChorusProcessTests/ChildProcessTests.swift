import ChorusProcess
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A field of `/proc/PID/status` (`SigBlk`, `SigIgn`, `PPid`…), or nil when the process is gone.
private func procStatus(_ pid: pid_t, _ field: String) -> String? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
    }
    return nil
}

/// Whether `pid` names a live process (a zombie counts as gone).
private func isAlive(_ pid: pid_t) -> Bool {
    guard let state = procStatus(pid, "State") else { return false }
    return !state.hasPrefix("Z")
}

/// Polls `condition` for up to `timeout`: a process ending has no event a test can await.
private func eventually(_ timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

@Suite("Child processes") struct ChildProcessTests {
    @Test("a child starts with no blocked or ignored signal, even when its parent blocks them")
    func signalMaskIsReset() throws {
        // Block and ignore signals on this thread, as the Swift runtime's threads do.
        var blocked = sigset_t(), previous = sigset_t()
        sigfillset(&blocked)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let oldUSR1 = signal(SIGUSR1, SIG_IGN)
        defer {
            signal(SIGUSR1, oldUSR1)
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        let child = try ChildProcess("/bin/sleep", ["30"])
        #expect(procStatus(child.pid, "SigBlk") == "0000000000000000")
        // glibc's posix_spawn leaves its two internal signals (32 and 33, which
        // a program's own glibc takes over at start) ignored; no other may be.
        let ignored = try #require(procStatus(child.pid, "SigIgn").flatMap { UInt64($0, radix: 16) })
        #expect(ignored & ~UInt64(0x1_8000_0000) == 0, "ignored: \(String(ignored, radix: 16))")
        child.sendSignal(SIGTERM)
        #expect(child.waitUntilExit() == .signalled(SIGTERM))
    }

    @Test("descriptors the parent holds are not inherited; standard streams are")
    func descriptorsAreNotInherited() throws {
        var leaked: [Int32] = [-1, -1]
        #expect(pipe(&leaked) == 0)  // no close-on-exec: a plain fork would hand these on
        defer { close(leaked[0]); close(leaked[1]) }
        let result = try ChildProcess.run("/bin/bash", ["-c", "ls /proc/$$/fd"])
        let open = Set(result.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(result.termination == .exited(0))
        #expect(open.isSuperset(of: [0, 1, 2]))
        #expect(!open.contains(leaked[0]) && !open.contains(leaked[1]), "child had \(open.sorted())")
    }

    @Test("run returns the exit code and both outputs")
    func runCollectsOutput() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.termination == .exited(3))
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
    }

    @Test("stop ends a child in its own process group together with the children it started")
    func stopEndsTheWholeGroup() throws {
        let child = try ChildProcess("/bin/bash", ["-c", "sleep 30 & echo $!; wait"], standardOutput: .pipe,
                                     ownProcessGroup: true)
        let line = String(decoding: child.standardOutput!.availableData, as: UTF8.self)
        let grandchild = try #require(pid_t(line.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(getpgid(child.pid) == child.pid)
        #expect(getpgid(grandchild) == child.pid)
        let ended = child.stop(grace: .seconds(5))
        #expect(ended == .signalled(SIGTERM))
        #expect(eventually { !isAlive(grandchild) }, "grandchild \(grandchild) survived stop()")
    }

    @Test("stop kills a child that ignores SIGTERM after the grace period")
    func stopEscalatesToKill() throws {
        let child = try ChildProcess("/bin/bash", ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"],
                                     standardOutput: .pipe, ownProcessGroup: true)
        _ = child.standardOutput!.availableData  // the trap is set
        #expect(child.stop(grace: .milliseconds(200)) == .signalled(SIGKILL))
    }

    @Test("stopped is stop for async code, ending in the same way")
    func stoppedFromAsyncCode() async throws {
        let polite = try ChildProcess("/bin/sleep", ["30"], ownProcessGroup: true)
        #expect(await polite.stopped(grace: .seconds(5)) == .signalled(SIGTERM))
        let stubborn = try ChildProcess("/bin/bash", ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"],
                                        standardOutput: .pipe, ownProcessGroup: true)
        _ = stubborn.standardOutput!.availableData  // the trap is set
        #expect(await stubborn.stopped(grace: .milliseconds(200)) == .signalled(SIGKILL))
    }

    @Test("dropping a ChildProcess kills and reaps its child")
    func deinitKills() throws {
        var child: ChildProcess? = try ChildProcess("/bin/sleep", ["30"])
        let pid = child!.pid
        #expect(isAlive(pid))
        child = nil
        #expect(procStatus(pid, "State") == nil, "the child is gone, not a zombie")
    }

    @Test("the test-run marker reaches children even with an explicit environment")
    func markerIsPassedOn() throws {
        let parent = ["PATH": "/bin", ChildProcess.markerVariable: "run-42"]
        #expect(ChildProcess.environment(["ONLY": "this"], parent: parent) == ["ONLY": "this", ChildProcess.markerVariable: "run-42"])
        #expect(ChildProcess.environment(nil, parent: parent) == parent)
        #expect(ChildProcess.environment(["ONLY": "this"], parent: ["PATH": "/bin"]) == ["ONLY": "this"])
        let result = try ChildProcess.run("/usr/bin/env", [], environment: ["ONLY": "this"])
        #expect(result.stdout.contains("ONLY=this\n"))
        #expect(!result.stdout.contains("PATH="))
    }

    @Test("terminationStatus awaits the end without blocking the caller's task")
    func asyncWait() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "exit 7"])
        #expect(await child.terminationStatus() == .exited(7))
        #expect(child.termination == .exited(7))
    }

    @Test("a missing executable is an error naming it")
    func missingExecutable() {
        #expect(throws: ChildProcessError.self) { try ChildProcess("/nonexistent/chorus-nothing") }
    }
}
