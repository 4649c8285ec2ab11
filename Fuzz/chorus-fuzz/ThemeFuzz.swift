import ChorusAppCore
import ChorusSettings

/// The theme loader on any text: a theme or a `ConfigError`, never a crash.
func fuzzTheme(_ bytes: [UInt8]) {
    do {
        _ = try ThemeCatalog.parse(String(decoding: bytes, as: UTF8.self), name: "fuzz", path: "fuzz.toml")
    } catch is ConfigError {
    } catch {
        preconditionFailure("untyped error from ThemeCatalog.parse: \(error)")
    }
}
