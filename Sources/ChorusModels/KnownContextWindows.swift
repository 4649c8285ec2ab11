/// Documented context windows of well-known model names, for a model whose
/// provider does not say and whose config sets none. The longest matching
/// prefix wins (`gpt-4o-mini-2024-07-18` is `gpt-4o-mini`); a provider's
/// `vendor/` prefix (`openai/gpt-4o`) is ignored.
public enum KnownContextWindows {
    /// Hosted models only: an open model's window is whatever its server runs it with, which the server says.
    static let table: [(prefix: String, window: Int)] = [
        ("gpt-4.1", 1_047_576), ("gpt-4o", 128_000), ("gpt-4-turbo", 128_000), ("gpt-4", 8_192), ("gpt-3.5-turbo", 16_385),
        ("gpt-5", 400_000), ("o1", 200_000), ("o3", 200_000), ("o4-mini", 200_000),
        ("claude", 200_000),
    ]

    /// The documented window of `model`, nil when it is not a known name.
    public static func window(for model: String) -> Int? {
        let name = model.lowercased().split(separator: "/").last.map(String.init) ?? ""
        return table.filter { name.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }?.window
    }
}
