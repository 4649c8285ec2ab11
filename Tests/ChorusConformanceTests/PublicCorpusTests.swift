import ChorusConformance
import ChorusGraph
import ChorusPostgres
import ChorusPostgresTesting
import ChorusStore
import Foundation
import ChorusTesting
import Testing

/// The public corpus: the copy in the repository (`conformance/cases`) and,
/// when `../shared/conformance/cases` sits beside the repository, any case
/// there that the copy lacks or that differs from it (a newer recording).
enum Corpus {
    static let repositoryRoot = #filePath.components(separatedBy: "/Tests/").first!
    static let casesDirectory = repositoryRoot + "/conformance/cases"
    static let sharedCasesDirectory = repositoryRoot + "/../shared/conformance/cases"

    static func caseFiles() -> [String] {
        let own = (try? FileIO.jsonFiles(in: casesDirectory)) ?? []
        let shared = (try? FileIO.jsonFiles(in: sharedCasesDirectory)) ?? []
        let ownByName = Dictionary(own.map { (($0 as NSString).lastPathComponent, $0) }, uniquingKeysWith: { a, _ in a })
        let newer = shared.filter { path in
            guard let mine = ownByName[(path as NSString).lastPathComponent] else { return true }
            return (try? FileIO.read(mine)) != (try? FileIO.read(path))
        }
        return own + newer
    }

    /// Cases we generated with real LangGraph 1.2.22 (tools/conformance-gen).
    static func extraCaseFiles() -> [String] {
        let here = #filePath
        let folder = (here as NSString).deletingLastPathComponent + "/ExtraCases"
        return (try? FileIO.jsonFiles(in: folder)) ?? []
    }

    /// A runner with both checkpointers; SQLite cases get a fresh database file in `directory`.
    static func runner(directory: String) -> ScenarioRunner {
        ScenarioRunner { kind in
            switch kind {
            case "memory": return InMemoryCheckpointer()
            case "sqlite":
                return SQLiteCheckpointer(database: try ChorusDatabase(path: directory + "/\(UUID().uuidString).sqlite"))
            default: return nil
            }
        }
    }
}

@Suite("LangGraph 1.2.22 public conformance corpus")
struct PublicCorpusTests {
    @Test("the corpus is present and non-trivial")
    func corpusIsPresent() {
        #expect(((try? FileIO.jsonFiles(in: Corpus.casesDirectory)) ?? []).count >= 53,
                "expected the public cases at \(Corpus.casesDirectory)")
    }

    @Test("the extra cases are present")
    func extraCasesArePresent() {
        #expect(Corpus.extraCaseFiles().count >= 132)
    }

    @Test("every public and extra case reproduces LangGraph's output", arguments: Corpus.caseFiles() + Corpus.extraCaseFiles())
    func publicCase(_ path: String) async throws {
        let scenario = try Scenario.load(path: path)
        let directory = NSTemporaryDirectory() + "chorus-corpus-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let actual = try await Corpus.runner(directory: directory).run(scenario)
        let problem = ConformanceComparator.compare(scenario, actual: actual)
        #expect(problem == nil, "\(scenario.name): \(problem ?? "")")
    }
}

@Suite("Checkpointed public cases, re-run on the other checkpointer")
struct CheckpointerSwapTests {
    /// Every case that uses a checkpointer must give the same output with
    /// memory and SQLite, whichever the case names.
    @Test(arguments: Corpus.caseFiles() + Corpus.extraCaseFiles())
    func sameOutputOnTheOtherCheckpointer(_ path: String) async throws {
        let scenario = try Scenario.load(path: path)
        let kind = scenario.graph["compile"]?["checkpointer"]?.stringValue ?? "none"
        guard kind != "none" else { return }
        let other = kind == "memory" ? "sqlite" : "memory"
        guard case .object(var graph) = scenario.graph, case .object(var compile) = graph["compile"] ?? .object([:]) else { return }
        compile["checkpointer"] = .string(other)
        graph["compile"] = .object(compile)
        let swapped = try Scenario(json: .object([
            "name": .string(scenario.name), "graph": .object(graph), "config": scenario.config,
            "calls": .array(scenario.calls), "expected": .array(scenario.expected),
        ]))
        let directory = NSTemporaryDirectory() + "chorus-swap-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let actual = try await Corpus.runner(directory: directory).run(swapped)
        let problem = ConformanceComparator.compare(swapped, actual: actual)
        #expect(problem == nil, "\(scenario.name) on \(other): \(problem ?? "")")
    }
}

@Suite("Checkpointed cases on PostgreSQL", .enabled(if: TestPostgres.isAvailable))
struct PostgresCorpusTests {
    /// Every case that uses a checkpointer gives LangGraph's output on the
    /// PostgreSQL checkpointer too (one database, each case's threads apart).
    @Test(arguments: Corpus.caseFiles() + Corpus.extraCaseFiles())
    func sameOutputOnPostgres(_ path: String) async throws {
        let scenario = try Scenario.load(path: path)
        guard (scenario.graph["compile"]?["checkpointer"]?.stringValue ?? "none") != "none",
              case .object(var graph) = scenario.graph, case .object(var compile) = graph["compile"] ?? .object([:]) else { return }
        compile["checkpointer"] = "postgres"
        graph["compile"] = .object(compile)
        let onPostgres = try Scenario(json: .object([
            "name": .string(scenario.name), "graph": .object(graph), "config": scenario.config,
            "calls": .array(scenario.calls), "expected": .array(scenario.expected),
        ]))
        let database = try await TestPostgres.shared()
        let runner = ScenarioRunner { kind in
            kind == "postgres" ? ThreadPrefixedCheckpointer(PostgresCheckpointer(database: database)) : nil
        }
        let actual = try await runner.run(onPostgres)
        let problem = ConformanceComparator.compare(onPostgres, actual: actual)
        #expect(problem == nil, "\(scenario.name) on postgres: \(problem ?? "")")
    }
}
