import ChorusGraph

/// One conformance case: a graph description, the calls to make on it and
/// what LangGraph returned for each (see `shared/conformance/FORMAT.md`).
public struct Scenario: Sendable {
    public let name: String
    public let graph: Value
    public let config: Value
    public let calls: [Value]
    public let expected: [Value]

    public init(json: Value) throws {
        guard let name = json["name"]?.stringValue else { throw ScenarioError("case has no name") }
        guard let graph = json["graph"], case .object = graph else { throw ScenarioError("case \(name) has no graph object") }
        guard let calls = json["calls"]?.arrayValue else { throw ScenarioError("case \(name) has no calls list") }
        self.name = name
        self.graph = graph
        self.config = json["config"] ?? .object([:])
        self.calls = calls
        self.expected = json["expected"]?.arrayValue ?? []
    }

    /// Reads a case file.
    public static func load(path: String) throws -> Scenario {
        try Scenario(json: try JSON.parse(bytes: try FileIO.read(path)))
    }
}

/// A malformed scenario: names what is wrong so the case author can fix it.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
