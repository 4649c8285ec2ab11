/// What a thread holds, which decides the graph that continues it and how
/// the app shows it. Open: a thread made over HTTP by another graph keeps
/// that graph's name (`approve`), so unknown kinds survive a round trip.
public struct ThreadKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A conversation with one model.
    public static let chat = ThreadKind(rawValue: "chat")
    /// A parallel research run (planner, researchers, synthesizer).
    public static let research = ThreadKind(rawValue: "research")

    public var description: String { rawValue }
}
