import ChorusGraph
import ChorusModels
import Foundation

/// The planner's output: exactly `branches` distinct, non-empty
/// sub-questions, asked for as structured output and checked.
struct ResearchPlan {
    let subQuestions: [String]

    /// The JSON Schema the planner must follow.
    static func responseFormat(branches: Int) -> ResponseFormat {
        ResponseFormat(name: "research_plan", schema: [
            "type": "object", "additionalProperties": false, "required": ["sub_questions"],
            "properties": ["sub_questions": ["type": "array", "items": ["type": "string"], "minItems": .int(branches), "maxItems": .int(branches)]],
        ])
    }

    /// Reads and checks a planner reply; throws `ResearchError.invalidPlan` saying what is wrong.
    init(reply: String, branches: Int) throws {
        var text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        // Models that ignore "no code fence" still wrap JSON in one.
        if text.hasPrefix("```") {
            text = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
        }
        guard let value = try? JSON.parse(text) else { throw ResearchError.invalidPlan("the reply is not JSON") }
        guard let items = value["sub_questions"]?.arrayValue else { throw ResearchError.invalidPlan("no \"sub_questions\" array") }
        let questions = items.map { ($0.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        guard questions.count == branches else {
            throw ResearchError.invalidPlan("\(questions.count) sub-questions instead of \(branches)")
        }
        guard !questions.contains(where: \.isEmpty) else { throw ResearchError.invalidPlan("a sub-question is empty or not a string") }
        guard Set(questions.map { $0.lowercased() }).count == branches else { throw ResearchError.invalidPlan("the sub-questions are not distinct") }
        subQuestions = questions
    }
}
