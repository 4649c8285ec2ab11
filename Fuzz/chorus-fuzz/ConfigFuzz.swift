import ChorusSettings

/// The config loader on any text: a config or a `ConfigError`, never a crash.
func fuzzConfig(_ bytes: [UInt8]) {
    do {
        _ = try ChorusConfig.parse(String(decoding: bytes, as: UTF8.self), path: "fuzz.toml")
    } catch is ConfigError {
    } catch {
        preconditionFailure("untyped error from ChorusConfig.parse: \(error)")
    }
}
