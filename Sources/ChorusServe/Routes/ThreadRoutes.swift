import ChorusGraph
import ChorusStore
import Hummingbird

/// Threads: create, read, search, delete, and their state and history.
/// They are the app's threads: one made here shows in the app's list.
enum ThreadRoutes {
    static func add(to router: APIRouter, state: ServerState) {
        router.post("/threads") { request, _ in
            let body = try await WireJSON.object(request, limit: state.bodyLimit)
            let metadata = try body.object("metadata") ?? [:]
            let ifExists = try body.string("if_exists") ?? "raise"
            guard ["raise", "do_nothing"].contains(ifExists) else { throw APIError.invalidField("if_exists", "'raise' or 'do_nothing'") }
            let given = try body.uuid("thread_id")
            if let given, let existing = try await state.store.get(given) {
                guard ifExists == "do_nothing" else { throw APIError(.conflict, "Thread \(given) already exists") }
                return WireJSON.response(try await state.threadJSON(existing))
            }
            let id = given ?? WireClock.uuid7()
            let record = try await state.store.create(id: id, metadata: metadata)
            return WireJSON.response(try await state.threadJSON(record))
        }
        router.get("/threads/:thread_id") { _, context in
            WireJSON.response(try await state.threadJSON(try await state.thread(try context.parameters.require("thread_id"))))
        }
        router.patch("/threads/:thread_id") { request, context in
            let id = try context.parameters.require("thread_id")
            let body = try await WireJSON.object(request, limit: state.bodyLimit)
            _ = try await state.thread(id)
            let record = try await state.store.annotate(id, metadata: try body.object("metadata") ?? [:])
            return WireJSON.response(try await state.threadJSON(record))
        }
        router.delete("/threads/:thread_id") { _, context in
            let id = try context.parameters.require("thread_id")
            _ = try await state.thread(id)
            try await state.runs.forget(thread: id)
            try await state.store.delete(id)
            return Response(status: .noContent)
        }
        router.post("/threads/search") { request, _ in
            let body = try await WireJSON.object(request, limit: state.bodyLimit)
            let limit = try body.int("limit", in: 0...1000) ?? 10
            let offset = try body.int("offset", in: 0...Int.max) ?? 0
            let metadata = try body.object("metadata") ?? [:]
            let status = try body.string("status")
            if let status, !["idle", "busy", "interrupted", "error"].contains(status) {
                throw APIError.invalidField("status", "one of idle, busy, interrupted, error")
            }
            let ids = try body.strings("ids").map(Set.init)
            guard status != nil || ids != nil else {
                let found = try await state.store.find(metadata: metadata, limit: limit, offset: offset)
                var page: [Value] = []
                for record in found.threads { page.append(try await state.threadJSON(record)) }
                return WireJSON.paginated(page, total: found.total)
            }
            let all = try await state.store.find(metadata: metadata, limit: Int.max, offset: 0).threads.filter { ids?.contains($0.id) ?? true }
            var matching: [Value] = []
            for record in all {
                let thread = try await state.threadJSON(record)
                if status == nil || thread["status"]?.stringValue == status { matching.append(thread) }
            }
            let page = Array(matching.dropFirst(offset).prefix(limit))
            return WireJSON.paginated(page, total: matching.count)
        }
        router.get("/threads/:thread_id/state") { _, context in
            let record = try await state.thread(try context.parameters.require("thread_id"))
            return WireJSON.response(ServerState.stateJSON(try await state.snapshot(of: record), threadId: record.id))
        }
        router.get("/threads/:thread_id/state/:checkpoint_id") { _, context in
            let record = try await state.thread(try context.parameters.require("thread_id"))
            let checkpoint = try context.parameters.require("checkpoint_id")
            let snapshot = try await state.snapshot(of: record, checkpointId: checkpoint)
            guard snapshot.checkpointId != nil else { throw APIError(.notFound, "Checkpoint \(checkpoint) not found") }
            return WireJSON.response(ServerState.stateJSON(snapshot, threadId: record.id))
        }
        router.post("/threads/:thread_id/state") { request, context in
            let record = try await state.thread(try context.parameters.require("thread_id"))
            let body = try await WireJSON.object(request, limit: state.bodyLimit)
            let values = try body.object("values")
            let asNode = try body.string("as_node")
            let checkpoint = try body.string("checkpoint_id") ?? BodyFields(try body.object("checkpoint") ?? [:]).string("checkpoint_id")
            if try await state.runs.activity(of: record.id)?.status == "busy" { throw APIError.busyThread }
            let graph = state.assistant(for: record).graph
            let id: String
            do {
                id = try await graph.updateState(config: RunConfig(threadId: record.id, checkpointId: checkpoint), values: values, asNode: asNode)
            } catch let error as GraphError {
                throw APIError(.unprocessableContent, error.description)
            }
            let reference: Value = .object(["thread_id": .string(record.id), "checkpoint_ns": "", "checkpoint_id": .string(id)])
            return WireJSON.response(.object(["checkpoint": reference, "configurable": reference, "checkpoint_id": .string(id)]))
        }
        router.post("/threads/:thread_id/history") { request, context in
            let record = try await state.thread(try context.parameters.require("thread_id"))
            let body = try await WireJSON.object(request, limit: state.bodyLimit)
            let limit = try body.int("limit", in: 1...1000) ?? 10
            let before = try body.string("before") ?? BodyFields(try body.object("before") ?? [:]).string("checkpoint_id")
            return WireJSON.response(try await history(record, limit: limit, before: before, state: state))
        }
        router.get("/threads/:thread_id/history") { request, context in
            let record = try await state.thread(try context.parameters.require("thread_id"))
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 10
            guard (1...1000).contains(limit) else { throw APIError.invalidField("limit", "an integer from 1 to 1000") }
            return WireJSON.response(try await history(record, limit: limit, before: request.uri.queryParameters.get("before"), state: state))
        }
    }

    private static func history(_ record: ThreadRecord, limit: Int, before: String?, state: ServerState) async throws -> Value {
        let snapshots = try await state.assistant(for: record).graph.getStateHistory(config: RunConfig(threadId: record.id), limit: limit, before: before)
        return .array(snapshots.map { ServerState.stateJSON($0, threadId: record.id) })
    }
}
