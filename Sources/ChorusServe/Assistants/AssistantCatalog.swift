import ChorusAgents
import ChorusGraph
import ChorusModels
import Foundation

/// The graphs `chorus serve` offers, on the configured default model: `chat`
/// (the app's chat graph), `research` (parallel research) and `approve` (a
/// reply that waits for a person's approval).
struct AssistantCatalog: Sendable {
    let assistants: [Assistant]

    init(model: any ChatModel, researchBranches: Int, database: any Checkpointer, scratch: any Checkpointer, tools: [AgentTool] = []) throws {
        let now = Date()
        let chat: (any Checkpointer) throws -> CompiledGraph = tools.isEmpty
            ? { try ChatGraph.make(model: model, checkpointer: $0).graph }
            : { try ReactAgent.make(model: model, tools: tools, checkpointer: $0).graph }
        let chatDescription = tools.isEmpty ? "A conversation in `messages` answered by the configured model."
            : "A conversation in `messages` answered by the configured model with \(tools.count) tools; a tool that can change things "
                + "pauses the run with a `tool_approval` interrupt: resume with \"y\", \"n\" or \"always\"."
        assistants = [
            try Assistant(graphId: "chat", description: chatDescription, createdAt: now, make: chat, database: database, scratch: scratch),
            try Assistant(graphId: "research", description: "Parallel research: give `question`; branches investigate sub-questions, then one answer cites them.",
                          createdAt: now, make: {
                              try ResearchGraph.make(planner: model, researcher: model, synthesizer: model, branches: researchBranches, checkpointer: $0,
                                                     tools: tools).graph
                          }, database: database, scratch: scratch),
            try Assistant(graphId: "approve", description: "A drafted reply that waits for approval: resume with \"yes\", \"no\" or an edited reply.",
                          createdAt: now, make: { try ApprovalGraph.make(model: model, checkpointer: $0).graph }, database: database, scratch: scratch),
        ]
    }

    /// The assistant a request names by graph name or assistant id. An
    /// unknown UUID is 404; anything else unknown is 422, as the reference answers.
    func resolve(_ reference: String) throws -> Assistant {
        let key = reference.lowercased()
        if let found = assistants.first(where: { $0.graphId == reference || $0.assistantId == key }) { return found }
        if WireID.isUUID(reference) { throw APIError(.notFound, "Assistant \(reference) not found") }
        throw APIError(.unprocessableContent, "Invalid assistant: '\(reference)'. Must be either:\n- A valid assistant UUID, or\n"
            + "- One of the registered graphs: " + assistants.map(\.graphId).joined(separator: ", "))
    }

    /// The assistant whose graph keeps a thread's state: the one that ran on it
    /// last (its `graph_id` metadata), else `kind`, else chat.
    func forThread(graphId: String?, kind: String) -> Assistant {
        assistants.first { $0.graphId == graphId } ?? assistants.first { $0.graphId == kind } ?? assistants[0]
    }
}
