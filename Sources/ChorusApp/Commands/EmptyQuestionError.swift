/// A research run was asked with no question (exit 1, as an empty `--print`
/// question is: the input was wrong, not the way the command was called).
public struct EmptyQuestionError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the research question is empty: give a question, or --resume THREAD_ID" }
}
