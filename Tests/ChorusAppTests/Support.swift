import ChorusStore
import ChorusTUI
import Foundation
@testable import ChorusApp
@testable import ChorusAppCore

/// A model at a fixed size with the attribute-only theme and default keys.
func makeModel(width: Int = 60, height: Int = 16, keys: [String: [String]] = [:]) throws -> AppModel {
    var model = AppModel(theme: .fallback, themes: [.fallback], keymap: try Keymap(overrides: keys), defaultProvider: "offline",
                         providerChoices: ["offline", "local"])
    _ = Update.update(&model, .terminal(.resize(width: width, height: height)))
    model.now = Date(timeIntervalSince1970: 1_000)
    return model
}

func thread(_ id: String, _ title: String?, provider: String = "offline") -> ThreadRecord {
    ThreadRecord(id: id, title: title, kind: .chat, provider: provider, model: nil, archived: false, messageCount: 2,
                 createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
}

extension AppModel {
    /// Feeds messages; returns every effect they asked for.
    @discardableResult
    mutating func feed(_ messages: Msg...) -> [Effect] {
        messages.flatMap { Update.update(&self, $0) }
    }

    @discardableResult
    mutating func press(_ keys: Key...) -> [Effect] {
        keys.flatMap { Update.update(&self, .terminal(.key($0))) }
    }

    @discardableResult
    mutating func type(_ text: String) -> [Effect] {
        text.flatMap { Update.update(&self, .terminal(.key(.character($0)))) }
    }

    /// The screen as text.
    func screen() -> [String] { AppView.render(self).lines }
}

/// Tests name saved threads by their ids: `m.conversations["t1"]`.
extension ThreadKey: ExpressibleByStringLiteral {
    public init(stringLiteral id: String) { self = .thread(id) }
}
