import ChorusGraph
import ChorusRuns
import ChorusStore
import ChorusTesting
import ChorusTUI
import Foundation
import Testing
@testable import ChorusApp
@testable import ChorusAppCore

@Suite struct ResearchViewTests {
    func event(_ kind: RunEvent.Kind, node: String, task: String?, step: Int = 2) -> RunEvent {
        RunEvent(kind: kind, runId: "run", id: task ?? "run", parentIds: ["run"], node: node, task: task, step: step,
                 namespace: [], tags: [], timestamp: 0)
    }

    /// A research thread on screen with three branches, two running.
    func model() throws -> AppModel {
        var m = try makeModel(width: 100, height: 30)
        let record = ThreadRecordFixture.research("r1", "Why is the sky blue?")
        m.feed(.researchStarted(record, ResearchState(question: "Why is the sky blue?", maxConcurrency: 2, startedAt: m.now)))
        m.feed(research: "r1", event(.custom(["plan": ["Scattering", "Wavelengths", "Sunsets"]]), node: "planner", task: "p", step: 1))
        for (task, index, question) in [("ta", 1, "Scattering"), ("tb", 2, "Wavelengths")] {
            m.feed(research: "r1", event(.custom(["branch": .int(index), "of": 3, "status": "running", "sub_question": .string(question)]),
                                                         node: "researcher", task: task))
        }
        return m
    }

    @Test func everyBranchsTokensLandInItsOwnPane() throws {
        var m = try model()
        // Tokens interleave across tasks, as they do when branches run together.
        for i in 0..<12 {
            let (task, word) = i % 2 == 0 ? ("ta", "alpha\(i) ") : ("tb", "beta\(i) ")
            m.feed(research: "r1", event(.token(text: word, messageId: "m-\(task)"), node: "researcher", task: task))
        }
        let buffer = AppView.render(m)
        let panes = panesByTitle(buffer)
        #expect(panes.count == 3)
        let first = try #require(panes[1]), second = try #require(panes[2]), third = try #require(panes[3])
        #expect(first.contains("alpha10") && !first.contains("beta"))
        #expect(second.contains("beta11") && !second.contains("alpha"))
        #expect(third.contains("Sunsets") && !third.contains("alpha") && !third.contains("beta"))
        #expect(buffer.lines[1].contains("in flight 2/2 · queued 1"))
        #expect(m.research["r1"]?.branches.map(\.tokens) == [6, 6, 0])
    }

    @Test func eachPaneShowsItsBranchsSpendAndABudgetStopIsShownAsSuch() throws {
        var m = try model()
        m.showThreadList = false
        m.feed(.terminal(.resize(width: 180, height: 30)))
        m.feed(research: "r1", event(.token(text: "partial finding ", messageId: "m-ta"), node: "researcher", task: "ta"))
        m.feed(research: "r1", event(.modelEnd(usage: .init(inputTokens: 900, outputTokens: 300, costUSD: 0.0021)), node: "researcher", task: "ta"))
        m.feed(research: "r1", event(.modelEnd(usage: .init(inputTokens: 50, outputTokens: 10, costUSD: 0.0001)), node: "researcher", task: "tb"))
        m.feed(research: "r1", event(.custom(["branch": 1, "of": 3, "status": "stopped", "sub_question": "Scattering",
                                               "error": "the research budget was reached"]), node: "researcher", task: "ta"))
        m.feed(research: "r1", event(.custom(["budget": ["max_tokens": 1000, "tokens": 1260, "usd": 0.0022, "reached": true]]),
                                     node: "synthesizer", task: "s", step: 3))
        let buffer = AppView.render(m)
        let lines = buffer.lines.joined(separator: "\n")
        #expect(lines.contains("[1] stopped 0.0s 1.2k tok $0.0021"), "\(lines)")
        #expect(lines.contains("[2] running 0.0s 60 tok $0.0001"))
        // The stopped pane keeps what it had found; the strip sums the run and says the budget stopped it.
        let first = try #require(panesByTitle(buffer)[1])
        #expect(first.contains("partial finding") && !first.contains("error"))
        #expect(buffer.lines[1].contains("stopped 1 · 1.3k tok $0.0022 · budget reached"), "\(buffer.lines[1])")
    }

    /// Where pane `[n]` is drawn: its top-left corner.
    func paneCorner(_ n: Int, in buffer: Buffer) -> (x: Int, y: Int)? {
        for (y, line) in buffer.lines.enumerated() {
            let chars = Array(line)
            for x in chars.indices where chars[x] == "┌" && String(chars[x...].prefix(12)).contains("[\(n)]") { return (x, y) }
        }
        return nil
    }

    @Test(arguments: [(100, false), (120, true), (120, false), (160, true), (200, true)])
    func upAndDownMoveToThePaneDrawnBelowAndAbove(_ width: Int, _ threadList: Bool) throws {
        var m = try makeModel(width: width, height: 40)
        m.showThreadList = threadList
        let record = ThreadRecordFixture.research("r8", "Eight ways")
        m.feed(.researchStarted(record, ResearchState(question: "Eight ways", maxConcurrency: 8, startedAt: m.now)))
        m.feed(research: "r8", event(.custom(["plan": .array((1...8).map { .string("Way \($0)") })]), node: "planner", task: "p", step: 1))
        let buffer = AppView.render(m)
        let first = try #require(paneCorner(1, in: buffer))
        _ = m.feed(.terminal(.key(.down)))
        let below = try #require(m.research["r8"]?.focus)
        let under = try #require(paneCorner(below + 1, in: buffer))
        #expect(under.x == first.x && under.y > first.y, "width \(width): Down went to pane \(below + 1) at \(under), not below \(first)")
        _ = m.feed(.terminal(.key(.up)))
        #expect(m.research["r8"]?.focus == 0)
    }

    @Test func escapeSequencesInBranchTextAreStripped() throws {
        var m = try model()
        m.feed(research: "r1", event(.token(text: "ok\u{1B}]52;c;eA==\u{07}\u{1B}[2Jdone", messageId: "m"), node: "researcher", task: "ta"))
        #expect(m.research["r1"]?.branches[0].text == "okdone")
    }

    @Test func aRetryingBranchShowsItUntilItsNextToken() throws {
        var m = try model()
        m.feed(research: "r1", event(.modelRetry(attempt: 2, maxAttempts: 4, delay: 2, reason: "openai: refused"),
                                                     node: "researcher", task: "tb"))
        var screen = AppView.render(m).lines.joined(separator: "\n")
        #expect(screen.contains("[2] retrying in 2s "))
        #expect(screen.contains("[1] running"))
        m.feed(research: "r1", event(.token(text: "back", messageId: "m-tb"), node: "researcher", task: "tb"))
        screen = AppView.render(m).lines.joined(separator: "\n")
        #expect(screen.contains("[2] running") && !screen.contains("retrying"))
        // The planner's retry shows in the progress strip.
        m.feed(research: "r1", event(.modelRetry(attempt: 3, maxAttempts: 4, delay: 5, reason: "429"), node: "synthesizer", task: "s"))
        #expect(m.research["r1"]?.retry?.attempt == 3)
    }

    @Test func cancelKeysAndZoom() throws {
        var m = try model()
        m.press(.right)
        #expect(m.research["r1"]?.focus == 1)
        let cancelBranch = m.press(.character("c"))
        #expect(cancelBranch == [.cancelBranch(threadId: "r1", index: 2)])
        m.press(.enter)
        let zoomed = AppView.render(m).lines.joined(separator: "\n")
        #expect(zoomed.contains("[2] running") && !zoomed.contains("[1] running"))
        m.press(.escape)
        #expect(m.research["r1"]?.zoomed == false)
        let stop = m.press(.escape)
        #expect(stop == [.cancelReply("r1")])
        #expect(m.research["r1"]?.phase == .cancelled)
    }

    @Test func researchScreen() throws {
        var m = try model()
        m.feed(research: "r1", event(.token(text: "Rayleigh **scattering** favours short waves.", messageId: "m"), node: "researcher", task: "ta"))
        m.feed(research: "r1", event(.custom(["branch": 1, "of": 3, "status": "done", "sub_question": "Scattering"]), node: "researcher", task: "ta"))
        #expect(Golden.mismatch(m.screen(), named: "research") == nil)
    }

    /// Text inside each pane, by the branch number in its title.
    func panesByTitle(_ buffer: Buffer) -> [Int: String] {
        var result: [Int: String] = [:]
        let lines = buffer.lines
        for (y, line) in lines.enumerated() {
            var search = line[...]
            while let open = search.range(of: "┌") {
                let x = line.distance(from: line.startIndex, to: open.lowerBound)
                let title = line[open.upperBound...].prefix(40)
                if let bracket = title.firstIndex(of: "["), let close = title.firstIndex(of: "]"), let n = Int(title[title.index(after: bracket)..<close]) {
                    let closeCorner = line[open.upperBound...].firstIndex(of: "┐").map { line.distance(from: line.startIndex, to: $0) } ?? line.count
                    var text = ""
                    var row = y + 1
                    while row < lines.count, Array(lines[row])[x] != "└" {
                        text += String(Array(lines[row])[(x + 1)..<closeCorner]) + "\n"
                        row += 1
                    }
                    result[n] = text
                }
                search = line[open.upperBound...]
            }
        }
        return result
    }
}

enum ThreadRecordFixture {
    static func research(_ id: String, _ title: String) -> ChorusStore.ThreadRecord {
        var record = thread(id, title)
        record.kind = .research
        return record
    }
}

extension AppModel {
    /// Feeds a research thread an engine event, as the app gets it: decoded into run updates.
    mutating func feed(research threadId: String, _ event: RunEvent) {
        var decoder = EngineRunDecoder()
        for update in decoder.decode(event) { feed(.researchUpdate(threadId: threadId, update)) }
    }
}
