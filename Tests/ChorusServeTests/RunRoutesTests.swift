@testable import ChorusServe
import ChorusAgents
import ChorusStore
import ChorusGraph
import HTTPTypes
import Testing

@Suite struct RunRoutesTests {
    @Test func aStreamAnnouncesItsRunAndItsTokensAreTheStoredReply() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let reply = try await client.call(.post, "/threads/\(thread)/runs/stream",
                                              ["assistant_id": "chat", "input": userInput("hello"), "stream_mode": ["messages-tuple", "values"]])
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = reply.events
            #expect(events.first?.name == "metadata")
            let runId = try #require(events.first?.data["run_id"]?.stringValue)
            #expect(reply.headers[.contentLocation] == "/threads/\(thread)/runs/\(runId)")
            #expect(reply.headers[.location] == "/threads/\(thread)/runs/\(runId)/stream")

            let tokens = events.filter { $0.name == "messages" }
            #expect(tokens.count > 3)
            #expect(tokens.allSatisfy { $0.data[1]?["langgraph_node"] == "model" && $0.data[0]?["type"] == "AIMessageChunk" })
            let streamed = tokens.compactMap { $0.data[0]?["content"]?.stringValue }.joined()
            #expect(messageTypes(events.last { $0.name == "values" }?.data) == ["human", "ai"])

            let state = try await client.call(.get, "/threads/\(thread)/state").json
            #expect(state["values"]?["messages"]?[1]?["content"] == .string(streamed))
            #expect(state["values"]?["messages"]?[1]?["additional_kwargs"] == .object([:]))
            #expect(state["next"] == [])
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(runId)").json["status"] == "success")
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "idle")
            #expect(try await client.call(.get, "/threads/\(thread)/runs").json.arrayValue?.count == 1)
        }
    }

    @Test func waitJoinAndStatelessRunsReturnTheFinalState() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let waited = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": userInput("one")])
            #expect(messageTypes(waited.json) == ["human", "ai"])

            let created = try await client.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("two")])
            let runId = try #require(created.json["run_id"]?.stringValue)
            #expect(["pending", "running"].contains(created.json["status"]?.stringValue))
            let joined = try await client.call(.get, "/threads/\(thread)/runs/\(runId)/join")
            #expect(messageTypes(joined.json) == ["human", "ai", "human", "ai"])
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(runId)").json["status"] == "success")

            let stateless = try await client.call(.post, "/runs/wait", ["assistant_id": "chat", "input": userInput("no thread")])
            #expect(messageTypes(stateless.json) == ["human", "ai"])
            #expect(stateless.headers[.location]?.hasSuffix("/join") == true)
            let streamed = try await client.call(.post, "/runs/stream", ["assistant_id": "chat", "input": userInput("x"), "stream_mode": "values"])
            #expect(streamed.headers[.contentLocation]?.hasPrefix("/runs/") == true)
            #expect(messageTypes(streamed.events.last?.data) == ["human", "ai"])
        }
    }

    @Test func anOldRunLetsGoOfItsStateAndJoinReadsTheThread() async throws {
        let fixture = try ServeFixture(retention: RunRetention(valuesOfNewest: 1, valuesFor: .zero))
        try await fixture.test { client in
            let thread = try await client.newThread()
            let first = try await client.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("one")])
            let firstId = try #require(first.json["run_id"]?.stringValue)
            #expect(messageTypes(try await client.call(.get, "/threads/\(thread)/runs/\(firstId)/join").json) == ["human", "ai"])
            _ = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": userInput("two")])
            _ = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": userInput("three")])
            let run = try #require(await fixture.state.runs.run(firstId))
            #expect(run.finalValues == nil)
            #expect(messageTypes(try await client.call(.get, "/threads/\(thread)/runs/\(firstId)/join").json) == Array(repeating: ["human", "ai"], count: 3).flatMap { $0 })
        }
    }

    @Test func messagesModeAnnouncesOnceThenAccumulates() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let events = try await client.call(.post, "/threads/\(thread)/runs/stream",
                                               ["assistant_id": "chat", "input": userInput("hi"), "stream_mode": "messages"]).events
            #expect(events.filter { $0.name == "messages/metadata" }.count == 1)
            let partials = events.filter { $0.name == "messages/partial" }.compactMap { $0.data[0]?["content"]?.stringValue }
            #expect(partials.count > 3)
            #expect(zip(partials, partials.dropFirst()).allSatisfy { $1.hasPrefix($0) })
            let state = try await client.call(.get, "/threads/\(thread)/state").json
            #expect(state["values"]?["messages"]?[1]?["content"] == .string(partials.last ?? ""))
        }
    }

    @Test func eventsModeInterleavesRunEventsWithTheOtherModes() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let events = try await client.call(.post, "/threads/\(thread)/runs/stream",
                                               ["assistant_id": "chat", "input": userInput("hi"), "stream_mode": ["events", "messages-tuple"]]).events
            let kinds = events.filter { $0.name == "events" }.compactMap { $0.data["event"]?.stringValue }
            #expect(kinds.first == "on_chain_start")
            #expect(kinds.last == "on_chain_end")
            #expect(kinds.contains("on_chat_model_start") && kinds.contains("on_chat_model_end"))
            let streamed = events.filter { $0.data["event"] == "on_chat_model_stream" }
                .compactMap { $0.data["data"]?["chunk"]?["content"]?.stringValue }.joined()
            let tuples = events.filter { $0.name == "messages" }.compactMap { $0.data[0]?["content"]?.stringValue }.joined()
            #expect(!streamed.isEmpty && streamed == tuples)
            let modelStart = try #require(events.firstIndex { $0.data["event"] == "on_chat_model_start" })
            let firstToken = try #require(events.firstIndex { $0.name == "messages" })
            let modelEnd = try #require(events.firstIndex { $0.data["event"] == "on_chat_model_end" })
            #expect(modelStart < firstToken && firstToken < modelEnd)
            #expect(events.first { $0.data["event"] == "on_chat_model_stream" }?.data["metadata"]?["langgraph_node"] == "model")
        }
    }

    @Test func researchStreamsCustomUpdatesTasksAndCheckpoints() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let events = try await client.call(.post, "/threads/\(thread)/runs/stream", [
                "assistant_id": "research", "input": ["question": "why is the sky blue"],
                "stream_mode": ["custom", "updates", "tasks", "checkpoints", "debug"],
            ]).events
            #expect(events.contains { $0.name == "custom" && $0.data["plan"]?.arrayValue?.count == 3 })
            let nodes = Set(events.filter { $0.name == "updates" }.flatMap { $0.data.objectValue?.keys.map { $0 } ?? [] })
            #expect(nodes == ["planner", "researcher", "synthesizer"])
            #expect(events.filter { $0.name == "tasks" }.contains { $0.data["name"] == "researcher" })
            #expect(events.contains { $0.name == "checkpoints" && $0.data["next"] == ["synthesizer"] })
            #expect(events.contains { $0.name == "debug" && $0.data["type"] == "task_result" })
            #expect(try await client.call(.get, "/threads/\(thread)").json["metadata"]?["graph_id"] == "research")
        }
    }

    @Test func branchesStreamingSideBySideAreToldApartByTheirCheckpointNamespace() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let events = try await client.call(.post, "/threads/\(thread)/runs/stream", [
                "assistant_id": "research", "input": ["question": "why is the sky blue"], "stream_mode": "messages-tuple",
            ]).events
            let researchers = events.filter { $0.name == "messages" && $0.data[1]?["langgraph_node"] == "researcher" }
            // As LangGraph's: `node:task` for a task of the root graph, one per Send branch.
            let namespaces = Set(researchers.compactMap { $0.data[1]?["langgraph_checkpoint_ns"]?.stringValue })
            #expect(namespaces.count == 3, "\(namespaces)")
            #expect(namespaces.allSatisfy { $0.hasPrefix("researcher:") && $0.count > "researcher:".count && !$0.contains("|") })
            #expect(researchers.allSatisfy { $0.data[1]?["checkpoint_ns"] == $0.data[1]?["langgraph_checkpoint_ns"] })
        }
    }

    @Test func anInterruptPausesTheThreadAndACommandResumesIt() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let events = try await client.call(.post, "/threads/\(thread)/runs/stream",
                                               ["assistant_id": "approve", "input": userInput("deploy?"), "stream_mode": ["values", "updates"]]).events
            let pause = try #require(events.first { $0.name == "updates" && $0.data["__interrupt__"] != nil })
            #expect(pause.data["__interrupt__"]?[0]?["value"]?["question"] == "approve?")
            #expect(events.last?.data["__interrupt__"] != nil)
            let paused = try await client.call(.get, "/threads/\(thread)").json
            #expect(paused["status"] == "interrupted")
            #expect(paused["interrupts"]?.objectValue?.count == 1)
            #expect(try await client.call(.get, "/threads/\(thread)/state").json["next"] == ["review"])

            let resumed = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "approve", "command": ["resume": "no"]])
            #expect(resumed.json["messages"]?[1]?["content"] == .string(ApprovalGraph.declined))
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "idle")
        }
    }

    @Test func breakpointsGivenPerRunPauseBeforeTheNode() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            _ = try await client.call(.post, "/threads/\(thread)/runs/wait",
                                      ["assistant_id": "chat", "input": userInput("wait"), "interrupt_before": ["model"]])
            #expect(try await client.call(.get, "/threads/\(thread)/state").json["next"] == ["model"])
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "interrupted")
            let continued = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat"])
            #expect(messageTypes(continued.json) == ["human", "ai"])
        }
    }

    @Test func multitaskStrategiesOnABusyThread() async throws {
        let fixture = try ServeFixture(tokensPerSecond: 40)
        try await fixture.test { client in
            let thread = try await client.newThread()
            let first = try await client.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("first")])
            try await client.waitForMessages(thread, count: 1)
            let rejected = try await client.call(.post, "/threads/\(thread)/runs",
                                                 ["assistant_id": "chat", "input": userInput("no"), "multitask_strategy": "reject"])
            #expect(rejected.status == .conflict)
            #expect(rejected.json["detail"]?.stringValue?.contains("already running") == true)
            #expect(try await client.call(.get, "/threads/\(thread)").json["status"] == "busy")

            let second = try await client.call(.post, "/threads/\(thread)/runs",
                                               ["assistant_id": "chat", "input": userInput("second"), "multitask_strategy": "interrupt"])
            let secondId = try #require(second.json["run_id"]?.stringValue)
            let joined = try await client.call(.get, "/threads/\(thread)/runs/\(secondId)/join")
            let firstId = try #require(first.json["run_id"]?.stringValue)
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(firstId)").json["status"] == "interrupted")
            // The interrupted run's input stays; its unfinished reply does not.
            #expect(messageTypes(joined.json) == ["human", "human", "ai"])

            let queued = try await client.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("third")])
            let enqueued = try await client.call(.post, "/threads/\(thread)/runs/wait",
                                                 ["assistant_id": "chat", "input": userInput("fourth"), "multitask_strategy": "enqueue"])
            #expect(messageTypes(enqueued.json) == ["human", "human", "ai", "human", "ai", "human", "ai"])
            let queuedId = try #require(queued.json["run_id"]?.stringValue)
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(queuedId)").json["status"] == "success")
        }
    }

    @Test func rollbackForgetsTheRunAndWhatItWrote() async throws {
        let fixture = try ServeFixture(tokensPerSecond: 40)
        try await fixture.test { client in
            let thread = try await client.newThread()
            _ = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": userInput("kept")])
            let first = try await client.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("rolled back")])
            let firstId = try #require(first.json["run_id"]?.stringValue)
            try await client.waitForMessages(thread, count: 3)
            let second = try await client.call(.post, "/threads/\(thread)/runs/wait",
                                               ["assistant_id": "chat", "input": userInput("after"), "multitask_strategy": "rollback"])
            let contents = (second.json["messages"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }
            #expect(contents.count == 4)
            #expect(!contents.contains("rolled back"))
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(firstId)").status == .notFound)
            #expect(try await client.call(.get, "/threads/\(thread)/runs").json.arrayValue?.count == 2)
        }
    }

    @Test func cancellingARunningRunInterruptsItAndTheThreadGoesOn() async throws {
        let fixture = try ServeFixture(tokensPerSecond: 20)
        try await fixture.test { client in
            let thread = try await client.newThread()
            let run = try await client.call(.post, "/threads/\(thread)/runs", ["assistant_id": "chat", "input": userInput("long")])
            let runId = try #require(run.json["run_id"]?.stringValue)
            try await client.waitForMessages(thread, count: 1)
            let cancelled = try await client.call(.post, "/threads/\(thread)/runs/\(runId)/cancel?wait=1&action=interrupt")
            #expect(cancelled.status == .ok)
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(runId)").json["status"] == "interrupted")
            #expect(messageTypes(try await client.call(.get, "/threads/\(thread)/state").json["values"]) == ["human"])
            #expect(try await client.call(.post, "/threads/\(thread)/runs/\(runId)/cancel?action=explode").status == .unprocessableContent)
        }
    }

    @Test func aResumableStreamReplaysFromAnyEventId() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let first = try await client.call(.post, "/threads/\(thread)/runs/stream",
                                              ["assistant_id": "chat", "input": userInput("hi"), "stream_mode": "messages-tuple", "stream_resumable": true]).events
            #expect(first.allSatisfy { $0.id != nil })
            let runId = try #require(first.first?.data["run_id"]?.stringValue)
            let all = try await client.call(.get, "/threads/\(thread)/runs/\(runId)/stream", headers: [HTTPField.Name("Last-Event-ID")!: "-1"]).events
            #expect(all == first)
            let rest = try await client.call(.get, "/threads/\(thread)/runs/\(runId)/stream", headers: [HTTPField.Name("Last-Event-ID")!: first[2].id!]).events
            #expect(rest == Array(first.dropFirst(3)))
        }
    }

    @Test func updateStateHistoryAndTimeTravel() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            _ = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": userInput("one")])
            let before = try #require(try await client.call(.get, "/threads/\(thread)/state").json["checkpoint_id"]?.stringValue)
            let updated = try await client.call(.post, "/threads/\(thread)/state",
                                                ["values": ["messages": [["role": "user", "content": "added by hand"]]], "as_node": "model"])
            let after = try #require(updated.json["checkpoint_id"]?.stringValue)
            #expect(updated.json["checkpoint"]?["thread_id"] == .string(thread))
            let state = try await client.call(.get, "/threads/\(thread)/state").json
            #expect(state["checkpoint_id"] == .string(after))
            #expect(messageTypes(state["values"]) == ["human", "ai", "human"])
            let history = try await client.call(.post, "/threads/\(thread)/history", ["limit": 2]).json.arrayValue ?? []
            #expect(history.map { $0["checkpoint_id"] } == [.string(after), .string(before)])
            let past = try await client.call(.get, "/threads/\(thread)/state/\(before)").json
            #expect(messageTypes(past["values"]) == ["human", "ai"])
            #expect(try await client.call(.post, "/threads/\(thread)/state", ["values": ["messages": []], "as_node": "nope"]).status == .unprocessableContent)
        }
    }

    @Test func aFailingRunEndsWithAnErrorEventAndMarksTheThread() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let events = try await client.call(.post, "/threads/\(thread)/runs/stream",
                                               ["assistant_id": "chat", "input": ["messages": [["role": "wizard", "content": "x"]]]]).events
            let error = try #require(events.last)
            #expect(error.name == "error")
            #expect(error.data["error"] == "ValueError")
            let runId = try #require(events.first?.data["run_id"]?.stringValue)
            #expect(try await client.call(.get, "/threads/\(thread)/runs/\(runId)").json["status"] == "error")
            let record = try await client.call(.get, "/threads/\(thread)").json
            #expect(record["status"] == "error")
            #expect(record["error"]?["error"] == "ValueError")
            let waited = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": ["messages": [["role": "wizard", "content": "x"]]]])
            #expect(waited.json["__error__"]?["error"] == "ValueError")
        }
    }

    /// Messages LangGraph's `add_messages` refuses fail the run with LangChain's
    /// error, as the reference does: never run as an empty message.
    @Test(arguments: [
        (Value.object(["role": "user"]), "ValueError", "Message dict must contain 'role' and 'content' keys, got {'role': 'user'}"),
        (Value.array([["content": "hi"]]), "ValueError", "Message dict must contain 'role' and 'content' keys, got {'content': 'hi'}"),
        (Value.int(5), "NotImplementedError", "Unsupported message type: <class 'int'>"),
    ])
    func aMalformedMessageFailsTheRunAsLangGraphDoes(messages: Value, type: String, message: String) async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let thread = try await client.newThread()
            let waited = try await client.call(.post, "/threads/\(thread)/runs/wait", ["assistant_id": "chat", "input": ["messages": messages]])
            #expect(waited.json["__error__"]?["error"]?.stringValue == type)
            #expect(waited.json["__error__"]?["message"]?.stringValue?.hasPrefix(message + "\nFor troubleshooting") == true, "\(waited.json)")
            let runs = try await client.call(.get, "/threads/\(thread)/runs").json.arrayValue ?? []
            #expect(runs.map { $0["status"] } == ["error"])
            let state = try await client.call(.get, "/threads/\(thread)/state").json
            #expect(messageTypes(state["values"]).isEmpty, "nothing was run: \(state)")
        }
    }
}
