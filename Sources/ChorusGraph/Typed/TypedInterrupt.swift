extension NodeContext {
    /// `interrupt(_:)` with Swift types: pauses the run showing `question`,
    /// and once resumed returns the answer read as `Answer`. An answer of
    /// another shape fails the task with a `typeError` naming the node.
    public func interrupt<Question: StateValue, Answer: StateValue>(_ question: Question, answer: Answer.Type = Answer.self) throws -> Answer {
        let value = try interrupt(question.stateValue)
        do {
            return try Answer(stateValue: value)
        } catch {
            throw GraphError(.typeError, "node '\(node)' expected its interrupt to be answered with \(Answer.self): \(error)")
        }
    }
}

extension TypedCompiledGraph {
    /// Answers the thread's pending interrupt (LangGraph's `Command(resume=answer)`).
    public func invoke<Answer: StateValue>(resume answer: Answer, config: RunConfig) async throws -> TypedRunResult<State> {
        try await invoke(.resume(answer.stateValue), config: config)
    }

    /// Answers several pending interrupts at once, each by its id
    /// (`Interrupt.id`; LangGraph's `Command(resume={id: answer})`).
    public func invoke<Answer: StateValue>(resumeById answers: [String: Answer], config: RunConfig) async throws -> TypedRunResult<State> {
        try await invoke(.resume(.object(answers.mapValues { $0.stateValue })), config: config)
    }
}
