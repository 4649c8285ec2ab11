/// Reports one tool call of a node to the run's event stream; `end` reports
/// its output. Returned by `NodeContext.toolStart(name:input:)`; does
/// nothing when no one listens.
public struct ToolCallReporter: Sendable {
    let reporter: EventReporter?
    let origin: EventOrigin?
    let name: String

    /// Reports the tool's output.
    public func end(output: Value) {
        guard let reporter, let origin else { return }
        reporter.emit(.toolEnd(name: name, output: output), from: origin)
    }
}
