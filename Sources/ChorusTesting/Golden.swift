import Foundation

/// Golden files: expected screens as text beside the test, in `Golden/`.
/// `CHORUS_UPDATE_GOLDENS=1` rewrites them from the actual output.
public enum Golden {
    /// nil when `lines` match `Golden/<name>.txt` next to `testFile`; else a
    /// row-by-row description of the differences.
    public static func mismatch(_ lines: [String], named name: String, testFile: String = #filePath) -> String? {
        let path = (testFile as NSString).deletingLastPathComponent + "/Golden/" + name + ".txt"
        let actual = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["CHORUS_UPDATE_GOLDENS"] == "1" {
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "no golden file \(path) (run with CHORUS_UPDATE_GOLDENS=1 to create it); actual:\n\(actual)"
        }
        if expected == actual { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var report = "screen differs from \(path):\n"
        for row in 0..<max(e.count, a.count) {
            let want = row < e.count ? String(e[row]) : "<none>"
            let got = row < a.count ? String(a[row]) : "<none>"
            if want != got { report += "row \(row):\n  expected |\(want)|\n  actual   |\(got)|\n" }
        }
        return report
    }
}
