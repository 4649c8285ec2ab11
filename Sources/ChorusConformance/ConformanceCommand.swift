import ChorusGraph

/// `chorus-conformance`: runs scenario files on the engine and writes the
/// actual output for `compare.py`, or checks it directly with `--check`.
public enum ConformanceCommand {
    public static let usage = """
        usage: chorus-conformance [--check] [--out ACTUAL_DIR] CASE.json...
               chorus-conformance [--check] --dir CASES_DIR [--out ACTUAL_DIR]

        Runs each case on the Chorus engine and writes ACTUAL_DIR/<name>.json
        (or prints one JSON object per case to stdout without --out).
        --check compares with the case's expected output and prints
        PASS/FAIL lines and a final "N passed, M failed".
        """

    /// Returns the process exit code.
    public static func main(_ arguments: [String], runner: ScenarioRunner = ScenarioRunner()) async -> Int32 {
        var files: [String] = []
        var outDir: String?
        var check = false
        var i = 0
        do {
            while i < arguments.count {
                let arg = arguments[i]
                switch arg {
                case "--help", "-h":
                    print(usage)
                    return 0
                case "--check": check = true
                case "--out", "--dir":
                    guard i + 1 < arguments.count else { throw ScenarioError("\(arg) needs a directory") }
                    i += 1
                    if arg == "--out" { outDir = arguments[i] } else { files += try FileIO.jsonFiles(in: arguments[i]) }
                default:
                    if arg.hasPrefix("-") { throw ScenarioError("unknown option \(arg)") }
                    files.append(arg)
                }
                i += 1
            }
        } catch {
            printError("chorus-conformance: \(error)\n\(usage)")
            return 2
        }
        if files.isEmpty {
            printError(usage)
            return 2
        }
        if let outDir { FileIO.makeDirectory(outDir) }
        var passed = 0, failed = 0
        for file in files {
            do {
                let scenario = try Scenario.load(path: file)
                let actual = try await runner.run(scenario)
                let text = JSON.serialize(actual)
                if let outDir {
                    try FileIO.write(text + "\n", to: "\(outDir)/\(scenario.name).json")
                } else if !check {
                    print(text)
                }
                if check {
                    if let problem = ConformanceComparator.compare(scenario, actual: actual) {
                        print("FAIL \(scenario.name): \(problem)")
                        failed += 1
                    } else {
                        print("PASS \(scenario.name)")
                        passed += 1
                    }
                }
            } catch {
                print("FAIL \(file): \(error)")
                failed += 1
            }
        }
        if check { print("\(passed) passed, \(failed) failed") }
        return failed == 0 ? 0 : 1
    }

    static func printError(_ text: String) {
        var stderr = StandardError()
        print(text, to: &stderr)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
