import ChorusGraph
import HTTPTypes
import Hummingbird
import NIOCore

/// Runs on a thread and stateless runs: stream, wait, create in the
/// background, read, list, join, join the stream, cancel.
enum RunRoutes {
    static func add(to router: APIRouter, state: ServerState) {
        // On a thread.
        router.post("/threads/:thread_id/runs/stream") { request, context in
            let thread = try context.parameters.require("thread_id")
            let (run, stream) = try await start(request, thread: thread, follow: true, state: state)
            return events(stream!, run: run, location: "/threads/\(thread)/runs/\(run.id)", state: state, cancelOnDisconnect: nil)
        }
        router.post("/threads/:thread_id/runs/wait") { request, context in
            let thread = try context.parameters.require("thread_id")
            let (run, _) = try await start(request, thread: thread, follow: false, state: state)
            return try await outcome(of: run, location: "/threads/\(thread)/runs/\(run.id)", state: state)
        }
        router.post("/threads/:thread_id/runs") { request, context in
            let thread = try context.parameters.require("thread_id")
            let (run, _) = try await start(request, thread: thread, follow: false, state: state)
            return WireJSON.response(run.json, headers: [.contentLocation: "/threads/\(thread)/runs/\(run.id)"])
        }
        router.get("/threads/:thread_id/runs") { request, context in
            let thread = try await state.thread(try context.parameters.require("thread_id"))
            let query = request.uri.queryParameters
            let limit = try integer(query.get("limit"), "limit", default: 10)
            let offset = try integer(query.get("offset"), "offset", default: 0)
            let status = try query.get("status").map { text in
                guard let status = RunStatus(rawValue: text) else { throw APIError.invalidField("status", "a run status") }
                return status
            }
            let runs = try await state.runs.runs(onThread: thread.id, limit: limit, offset: offset, status: status)
            return WireJSON.response(.array(runs.map(\.json)))
        }
        router.get("/threads/:thread_id/runs/:run_id") { _, context in
            WireJSON.response(try await findRun(context, state: state).json)
        }
        router.get("/threads/:thread_id/runs/:run_id/join") { _, context in
            let run = try await findRun(context, state: state)
            return try await outcome(of: run, location: nil, state: state)
        }
        router.get("/threads/:thread_id/runs/:run_id/stream") { request, context in
            let run = try await findRun(context, state: state)
            let stream = run.log.follow(after: request.headers[lastEventID])
            let cancel = request.uri.queryParameters.get("cancel_on_disconnect").map { $0 == "true" || $0 == "1" }
            return events(stream, run: run, location: "/threads/\(run.threadId)/runs/\(run.id)", state: state, cancelOnDisconnect: cancel)
        }
        router.post("/threads/:thread_id/runs/:run_id/cancel") { request, context in
            let run = try await findRun(context, state: state)
            let query = request.uri.queryParameters
            let action = query.get("action") ?? "interrupt"
            guard action == "interrupt" || action == "rollback" else { throw APIError.invalidField("action", "'interrupt' or 'rollback'") }
            try await state.runs.cancel(run, rollback: action == "rollback")
            guard let wait = query.get("wait"), wait == "1" || wait == "true" else { return Response(status: .accepted) }
            await run.log.waitForEnd()
            return WireJSON.response(.object([:]))
        }
        router.get("/threads/:thread_id/stream") { _, context in
            let thread = try await state.thread(try context.parameters.require("thread_id")).id
            return threadEvents(thread, state: state)
        }
        // Stateless: a temporary thread, dropped after the run.
        router.post("/runs/stream") { request, _ in
            let (run, stream) = try await start(request, thread: nil, follow: true, state: state)
            return events(stream!, run: run, location: "/runs/\(run.id)", state: state, cancelOnDisconnect: nil)
        }
        router.post("/runs/wait") { request, _ in
            let (run, _) = try await start(request, thread: nil, follow: false, state: state)
            return try await outcome(of: run, location: "/threads/\(run.threadId)/runs/\(run.id)", state: state)
        }
        router.post("/runs") { request, _ in
            let (run, _) = try await start(request, thread: nil, follow: false, state: state)
            return WireJSON.response(run.json, headers: [.contentLocation: "/runs/\(run.id)"])
        }
    }

    private static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// What every event stream answers with, as the reference (no caching, no proxy buffering).
    private static let sseHeaders: HTTPFields = [
        .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    /// Checks the request and queues its run; with `follow`, also returns its events.
    private static func start(_ request: Request, thread: String?, follow: Bool,
                              state: ServerState) async throws -> (ServedRun, (key: Int, frames: FrameQueue)?) {
        let body = try await WireJSON.object(request, limit: state.bodyLimit)
        let runRequest = try RunRequest(body)
        let assistant = try state.catalog.resolve(runRequest.assistantId)
        do {
            _ = try assistant.graph.pausing(before: runRequest.interruptBefore, after: runRequest.interruptAfter)
        } catch {
            throw APIError(.unprocessableContent, "Invalid request body: \(ErrorReport.message(of: error))")
        }
        if let thread, try await state.store.get(thread) == nil {
            guard runRequest.createThreadIfMissing else { throw APIError.threadNotFound(thread) }
            guard WireID.isUUID(thread) else { throw APIError.invalidField("thread_id", "a UUID") }
            try await state.store.create(id: thread.lowercased())
        }
        let run = ServedRun(threadId: thread ?? WireClock.uuid7(), isStateless: thread == nil, assistant: assistant, request: runRequest)
        let stream = try await state.runs.submit(run, follow: follow)
        return (run, stream)
    }

    /// The run named in the path, on the thread named in the path; else 404.
    private static func findRun(_ context: BasicRequestContext, state: ServerState) async throws -> ServedRun {
        let thread = try context.parameters.require("thread_id")
        let id = try context.parameters.require("run_id")
        guard let run = try await state.runs.run(id), run.threadId == thread else { throw APIError.runNotFound(id) }
        return run
    }

    /// An SSE response carrying `stream`. A client that goes away cancels the
    /// run only when it asked for that (`on_disconnect: cancel`, `cancel_on_disconnect`).
    private static func events(_ stream: (key: Int, frames: FrameQueue), run: ServedRun, location: String, state: ServerState,
                               cancelOnDisconnect: Bool?) -> Response {
        let cancelOnDisconnect = cancelOnDisconnect ?? (run.request.onDisconnect == .cancel)
        var headers = sseHeaders
        headers[.location] = location + "/stream"
        headers[.contentLocation] = location
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { run.log.unfollow(stream.key) }
            do {
                while let frames = await stream.frames.next() { try await writer.write(frames) }
                try await writer.finish(nil)
            } catch {
                if cancelOnDisconnect { try? await state.runs.cancel(run, rollback: false) }
                throw error
            }
        })
    }

    /// `GET /threads/{id}/stream`: the events of every run on the thread from
    /// now on (runs already finished are not replayed), each followed by
    /// `metadata {"status": "run_done", "run_id"}`, until the client leaves or
    /// the server shuts down. A new run is picked up as it is submitted (here or,
    /// in a cluster, on another instance): the stream waits for it, it does not poll.
    private static func threadEvents(_ thread: String, state: ServerState) -> Response {
        Response(status: .ok, headers: sseHeaders, body: ResponseBody { writer in
            var seen = Set(try await state.runs.runs(onThread: thread).filter { $0.status.isFinal }.map(\.id))
            var quietSince = ContinuousClock.now
            while await state.runs.isAccepting {
                let untilHeartbeat = RunLifecycleService.heartbeatInterval - (ContinuousClock.now - quietSince)
                let fresh = try await state.runs.runs(onThread: thread, notIn: seen, waitingAtMost: max(untilHeartbeat, .zero))
                for run in fresh {
                    seen.insert(run.id)
                    let follower = run.log.follow(after: nil)
                    defer { run.log.unfollow(follower.key) }
                    while let frames = await follower.frames.next() { try await writer.write(frames) }
                    let done = "{\"status\":\"run_done\",\"run_id\":" + JSON.serialize(.string(run.id)) + "}"
                    try await writer.write(SSEFrame.event("metadata", data: done))
                    quietSince = ContinuousClock.now
                }
                if ContinuousClock.now - quietSince >= RunLifecycleService.heartbeatInterval {
                    try await writer.write(SSEFrame.heartbeat)
                    quietSince = ContinuousClock.now
                }
            }
            try await writer.finish(nil)
        })
    }

    /// `wait` and `join`: the run's final state once it ends, or
    /// `{"__error__": {error, message}}` when it failed (status 200, as the reference).
    private static func outcome(of run: ServedRun, location: String?, state: ServerState) async throws -> Response {
        await run.log.waitForEnd()
        let body: Value
        if let failure = run.error {
            body = .object(["__error__": WireJSON.failure(type: failure.type, message: failure.message)])
        } else if let values = run.finalValues {
            body = WireMessage.state(values)
        } else {
            // An old run whose final state was let go: its thread's state now, as the reference's join answers.
            body = WireMessage.state(try await state.snapshot(of: try await state.thread(run.threadId)).values)
        }
        return WireJSON.response(body, headers: location.map { [.location: $0 + "/join"] } ?? [:])
    }

    private static func integer(_ text: String?, _ name: String, default fallback: Int) throws -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), value >= 0 else { throw APIError.invalidField(name, "a non-negative integer") }
        return value
    }
}
