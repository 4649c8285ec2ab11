import ChorusGraph
import ChorusSupport
import Foundation
import Testing
@testable import ChorusApp

/// Tokens from a server reach the app in batches, at most one per interval,
/// and never out of order with the other messages.
@Suite struct MsgCoalescerTests {
    final class Sent: Sendable {
        let all = Locked<[Msg]>([])
        var texts: [[String]] {
            all.withLock { $0 }.map { msg in
                switch msg {
                case .batch(let inner): inner.map(Self.text)
                default: [Self.text(msg)]
                }
            }
        }
        static func text(_ msg: Msg) -> String {
            switch msg {
            case .token(_, _, let text, _, _): text
            case .notice(let line): "notice:" + line
            default: "other"
            }
        }
    }

    static func token(_ text: String) -> Msg { .token(threadId: "t", entryId: "e", text: text, node: "n", step: 1) }

    @Test func tokensWithinAnIntervalGoTogetherAndOtherMessagesKeepTheirPlace() async throws {
        let sent = Sent()
        let coalescer = MsgCoalescer(interval: .seconds(30)) { msg in sent.all.withLock { $0.append(msg) } }
        coalescer.token(Self.token("a"))  // the first goes at once
        coalescer.token(Self.token("b"))
        coalescer.token(Self.token("c"))
        #expect(sent.texts == [["a"]])
        coalescer.other(.notice("done"))  // what is pending goes first
        #expect(sent.texts == [["a"], ["b", "c"], ["notice:done"]])
    }

    @Test func aTokenLeftPendingIsSentWhenTheIntervalEnds() async throws {
        let sent = Sent()
        let coalescer = MsgCoalescer(interval: .milliseconds(50)) { msg in sent.all.withLock { $0.append(msg) } }
        coalescer.token(Self.token("a"))
        coalescer.token(Self.token("b"))
        for _ in 0..<200 where sent.texts.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sent.texts == [["a"], ["b"]])
    }
}
