@testable import ChorusServe
import ChorusGraph
import ChorusStore
import HTTPTypes
import Testing

@Suite struct AssistantAndThreadRoutesTests {
    static let chatId = "eb6db400-e3c8-5d06-a834-015cb89efe69"

    @Test func oneAssistantPerGraphWithTheReferencesIds() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let found = try await client.call(.post, "/assistants/search", ["limit": 10, "offset": 0])
            #expect(found.status == .ok)
            #expect(found.headers[HTTPField.Name("x-pagination-total")!] == "3")
            #expect(Set(found.json.arrayValue?.compactMap { $0["graph_id"]?.stringValue } ?? []) == ["chat", "research", "approve"])
            #expect(found.json.arrayValue?.first { $0["graph_id"] == "chat" }?["assistant_id"] == .string(Self.chatId))
            #expect(try await client.call(.get, "/assistants/\(Self.chatId)").json["graph_id"] == "chat")
            #expect(try await client.call(.get, "/assistants/chat").json["assistant_id"] == .string(Self.chatId))

            #expect(try await client.call(.get, "/assistants/chat/schemas").status == .unprocessableContent)
            let schemas = try await client.call(.get, "/assistants/\(Self.chatId)/schemas")
            #expect(schemas.json["state_schema"]?["properties"]?["messages"] != nil)
            let drawing = try await client.call(.get, "/assistants/chat/graph").json
            #expect(drawing["edges"]?.arrayValue?.contains(["source": "__start__", "target": "model"]) == true)

            let unknown = try await client.call(.get, "/assistants/nope")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.json["detail"]?.stringValue?.contains("chat, research, approve") == true)
            #expect(try await client.call(.get, "/assistants/00000000-0000-4000-8000-000000000000").status == .notFound)
        }
    }

    @Test func threadsMadeOverHTTPAreTheAppsThreadsAndBack() async throws {
        let fixture = try ServeFixture()
        let store = ThreadStore(database: try ChorusDatabase(path: fixture.databasePath))
        let fromApp = try await store.create(title: "made in the app")
        try await fixture.test { client in
            let made = try await client.call(.post, "/threads", ["metadata": ["owner": "sdk"]])
            #expect(made.status == .ok)
            let id = try #require(made.json["thread_id"]?.stringValue)
            #expect(made.json["status"] == "idle")
            #expect(made.json["values"] == .null)
            #expect(try await store.list().map(\.id).contains(id))
            #expect(try await store.get(id)?.metadata["owner"] == "sdk")

            // A thread of the app, continued over HTTP.
            let waited = try await client.call(.post, "/threads/\(fromApp.id)/runs/wait", ["assistant_id": "chat", "input": userInput("from http")])
            #expect(messageTypes(waited.json) == ["human", "ai"])
            #expect(try await store.transcript(fromApp.id).count == 2)

            let search = try await client.call(.post, "/threads/search", ["metadata": ["owner": "sdk"], "limit": 5])
            #expect(search.json.arrayValue?.map { $0["thread_id"] } == [.string(id)])
            #expect(search.headers[HTTPField.Name("x-pagination-total")!] == "1")
            let idle = try await client.call(.post, "/threads/search", ["status": "idle", "limit": 10])
            #expect(Set(idle.json.arrayValue?.compactMap { $0["thread_id"]?.stringValue } ?? []) == [id, fromApp.id])

            #expect(try await client.call(.patch, "/threads/\(id)", ["metadata": ["tag": 1]]).json["metadata"] == ["owner": "sdk", "tag": 1])
            #expect(try await client.call(.delete, "/threads/\(id)").status == .noContent)
            #expect(try await client.call(.get, "/threads/\(id)").status == .notFound)
            #expect(try await store.get(id) == nil)
        }
    }

    @Test func creatingAThreadTwiceRaisesUnlessAskedNotTo() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let id = "0192f0c4-1111-7000-8000-000000000001"
            let body: Value = ["thread_id": .string(id)]
            let lenient: Value = ["thread_id": .string(id), "if_exists": "do_nothing"]
            let made = try await client.call(.post, "/threads", body)
            #expect(made.json["thread_id"] == .string(id))
            #expect(try await client.call(.post, "/threads", body).status == .conflict)
            #expect(try await client.call(.post, "/threads", lenient).status == .ok)
        }
    }

    @Test func unknownPathsAnswerWithADetail() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let reply = try await client.call(.get, "/no/such/path")
            #expect(reply.status == .notFound)
            #expect(reply.json["detail"]?.stringValue != nil)
            #expect(try await client.call(.get, "/ok").json == ["ok": true, "services": .object([:])])
        }
    }
}
