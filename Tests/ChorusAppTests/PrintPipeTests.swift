import ChorusGraph
import ChorusProcess
import ChorusTesting
import Foundation
import Glibc
import Testing

/// `chorus --print` as a shell runs it: piped standard input, continuing a
/// thread, `--json`, and the exit codes (0 ok, 1 failure, 2 usage, 130 SIGINT).
@Suite struct PrintPipeTests {
    let sandbox: ChorusSandbox
    var dir: String { sandbox.dir }
    var env: [String: String] { sandbox.environment }

    init() throws {
        sandbox = try ChorusSandbox(prefix: "chorus-pipe-")
    }

    func chorus(_ arguments: [String], input: String = "") async throws -> (Int32, String, String) {
        try await sandbox.run(arguments, input: input)
    }

    /// The saved user messages of the only (or newest) thread.
    func userMessages() async throws -> [String] {
        let (_, out, _) = try await chorus(["threads", "export", "--format", "json"])
        let threads = try JSON.parse(out).arrayValue ?? []
        return (threads.first?["messages"]?.arrayValue ?? []).filter { $0["role"] == "user" }.compactMap { $0["content"]?.stringValue }
    }

    @Test func pipedTextAloneIsTheQuestion() async throws {
        let (status, out, err) = try await chorus(["--print"], input: "what is a reducer?\n")
        #expect(status == 0, "\(err)")
        #expect(out.contains("what is a reducer?"))
        let (dashStatus, dashOut, _) = try await chorus(["--print", "-", "--ephemeral"], input: "and a channel?")
        #expect(dashStatus == 0)
        #expect(dashOut.contains("and a channel?"))
        #expect(!dashOut.contains("“-”"))
        await #expect(try userMessages() == ["what is a reducer?"])
    }

    /// A provider whose port refuses connections fails after a few announced
    /// retries, not after the HTTP client's silent reconnecting.
    @Test func aRefusedProviderIsRetriedAloudThenReported() async throws {
        let port = try unusedLoopbackPort()
        let (status, out, err) = try await sandbox.run(["--print", "hi", "--provider", "openai", "--model", "m", "--ephemeral",
                                                  "--base-url", "http://127.0.0.1:\(port)/v1"], environment: ["OPENAI_API_KEY": "sk-test"])
        #expect(status == 1)
        #expect(out.isEmpty)
        let lines = err.split(separator: "\n")
        #expect(lines.filter { $0.contains("connection refused") && $0.contains("retrying in") }.count == 3, "\(err)")
        #expect(lines.last?.contains("connection refused") == true)
        #expect(!err.contains("sk-test"))
    }

    @Test func pipedTextIsAttachedToTheQuestion() async throws {
        let notes = "line one of the notes\n```\ncode in the notes\n```\nlast line"
        let (status, _, err) = try await chorus(["--print", "summarize this"], input: notes)
        #expect(status == 0, "\(err)")
        let sent = try await #require(try userMessages().first)
        #expect(sent.hasPrefix("summarize this\n"))
        #expect(sent.contains(notes))
        // The fence around the attachment is longer than any inside it, so the notes cannot close it.
        #expect(sent.contains("````\n" + notes + "\n````"))
    }

    @Test func binaryHugeAndEmptyInputAreRefused() async throws {
        let nul = try await BuiltExecutable.run("chorus", ["--print"], environment: env, input: Data([0x68, 0x00, 0x69]))
        #expect(nul.0 == 1)
        #expect(nul.2.contains("not text"))
        let invalid = try await BuiltExecutable.run("chorus", ["--print", "q"], environment: env, input: Data([0x68, 0xFF, 0xFE]))
        #expect(invalid.0 == 1)
        #expect(invalid.2.contains("UTF-8"))
        let huge = try await chorus(["--print", "summarize"], input: String(repeating: "a", count: (1 << 20) + 1))
        #expect(huge.0 == 1)
        #expect(huge.2.contains("1 MiB"))
        let atLimit = try await chorus(["--print", "--ephemeral"], input: String(repeating: "b", count: 1 << 20))
        #expect(atLimit.0 == 0, "exactly the limit is accepted")
        let empty = try await chorus(["--print"], input: " \n")
        #expect(empty.0 == 1)
        #expect(empty.2.contains("empty"))
        let emptyArgument = try await chorus(["--print", ""])
        #expect(emptyArgument.0 == 1)
        await #expect(try userMessages().isEmpty, "nothing was sent")
    }

    @Test func continueAndThreadAddToASavedThread() async throws {
        await #expect(try chorus(["--print", "first question"]).0 == 0)
        let (status, _, err) = try await chorus(["--print", "second question", "--continue"])
        #expect(status == 0, "\(err)")
        await #expect(try userMessages() == ["first question", "second question"])
        let (_, listed, _) = try await chorus(["threads", "list", "--json"])
        let rows = try listed.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(rows.count == 1)
        let id = try #require(rows.first?["id"]?.stringValue)
        let (byPrefix, out, _) = try await chorus(["--print", "third question", "--thread", String(id.prefix(6)), "--json"])
        #expect(byPrefix == 0)
        let result = try JSON.parse(out)
        #expect(result["thread_id"]?.stringValue == id)
        #expect(result["reply"]?.stringValue?.contains("third question") == true)
        #expect(result["model"]?.stringValue == "offline")
        #expect(result["usage"]?["output_tokens"]?.intValue ?? 0 > 0)
        #expect(out.split(separator: "\n").count == 1, "one JSON object, nothing streamed")
        await #expect(try userMessages() == ["first question", "second question", "third question"])
        let unknown = try await chorus(["--print", "x", "--thread", "zzzz"])
        #expect(unknown.0 == 1)
        #expect(unknown.2.contains("no thread"))
    }

    @Test func continueWithNothingSavedFails() async throws {
        let (status, _, err) = try await chorus(["--print", "hello", "--continue"])
        #expect(status == 1)
        #expect(err.contains("no saved chat thread"))
    }

    @Test func usageMistakesExitTwo() async throws {
        await #expect(try chorus(["--print", "x", "--continue", "--thread", "abc"]).0 == 2)
        await #expect(try chorus(["--print", "x", "--ephemeral", "--continue"]).0 == 2)
        await #expect(try chorus(["--no-such-flag"]).0 == 2)
        await #expect(try chorus(["--json"]).0 == 2)
        await #expect(try chorus(["--print", "x", "--provider", "mystery"]).0 == 2)
        let (helpStatus, help, _) = try await chorus(["--help"])
        #expect(helpStatus == 0)
        #expect(help.contains("--continue"))
    }

    /// `chorus --print … | head -c 20`: the reader goes away mid-reply; the
    /// reply is still generated and saved whole, and chorus exits 0 saying nothing.
    @Test func aReaderThatClosesThePipeMidReplyLeavesTheWholeReplySaved() async throws {
        var slow = env
        slow["CHORUS_OFFLINE_TOKENS_PER_SECOND"] = "40"
        let running = try BuiltExecutable.start("chorus", ["--print", "close the pipe on me"], environment: slow)
        let first = running.standardOutput!.availableData
        #expect(!first.isEmpty)
        try running.standardOutput!.close()
        let errors = running.standardError!.readDataToEndOfFile()
        #expect(running.waitUntilExit() == .exited(0))
        #expect(errors.isEmpty, "nothing on stderr: \(String(decoding: errors, as: UTF8.self))")
        let (_, out, _) = try await chorus(["threads", "export", "--format", "json"])
        let messages = try JSON.parse(out).arrayValue?.first?["messages"]?.arrayValue ?? []
        let reply = try #require(messages.last?["content"]?.stringValue)
        #expect(messages.last?["role"] == "assistant")
        #expect(reply.hasSuffix("lost."), "the whole reply, not what was read: \(reply)")
        #expect(!reply.contains("[cancelled]"))
    }

    @Test func sigintWhileTheReplyStreamsExits130() throws {
        var slow = env
        slow["CHORUS_OFFLINE_TOKENS_PER_SECOND"] = "10"
        let running = try BuiltExecutable.start("chorus", ["--print", "interrupt me"], environment: slow)
        // The first streamed text means the reply is under way.
        let first = running.standardOutput!.availableData
        #expect(!first.isEmpty)
        running.sendSignal(SIGINT)
        let rest = running.standardOutput!.readDataToEndOfFile()
        #expect(running.waitUntilExit() == .exited(130))
        #expect(!String(decoding: first + rest, as: UTF8.self).contains("lost."), "the reply was stopped before its end")
    }
}

/// A loopback port nothing listens on (bound, then released).
func unusedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
    return Int(UInt16(bigEndian: address.sin_port))
}
