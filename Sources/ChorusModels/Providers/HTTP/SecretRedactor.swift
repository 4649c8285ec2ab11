/// Hides an API key in text a server sent back (an error that echoes the key).
///
/// The key is replaced only where it stands as a whole token, not inside a
/// longer word, and only when it is long enough to be a secret: a one-letter
/// test key (`OPENAI_API_KEY=x`) must not turn "exceeds" into
/// "e[redacted]ceeds". Real keys are 20 characters and more; anything shorter
/// than `minimumLength` is no secret worth hiding and is left alone.
struct SecretRedactor: Sendable {
    static let minimumLength = 8
    static let mask = "[redacted]"
    private let secret: String

    /// Nil when there is nothing to redact: no key, or one too short to be a secret.
    init?(secret: String?) {
        guard let secret, secret.count >= Self.minimumLength else { return nil }
        self.secret = secret
    }

    /// `text` with every whole-token occurrence of the key masked.
    func redact(_ text: String) -> String {
        var result = ""
        var rest = text[...]
        while let found = rest.range(of: secret) {
            let before = found.lowerBound > rest.startIndex ? rest[rest.index(before: found.lowerBound)] : nil
            let after = found.upperBound < rest.endIndex ? rest[found.upperBound] : nil
            let whole = !Self.isTokenCharacter(before) && !Self.isTokenCharacter(after)
            result += rest[..<found.lowerBound]
            result += whole ? Self.mask : String(rest[found])
            rest = rest[found.upperBound...]
        }
        result += rest
        return result
    }

    /// Letters, digits, `-` and `_`: the characters keys are made of, so a key
    /// touching one of them is part of a longer word, not the key itself.
    private static func isTokenCharacter(_ c: Character?) -> Bool {
        guard let c else { return false }
        return c.isLetter || c.isNumber || c == "-" || c == "_"
    }
}
