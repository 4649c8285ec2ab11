import ArgumentParser
import ChorusApp
import ChorusCurses
import ChorusStore
import Foundation

@main
struct Chorus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "A terminal chat client on an in-process graph engine.",
        version: "0.1.0",
        subcommands: [Threads.self, Research.self])

    @Option(name: .customLong("print"), help: "Answer one question on stdout and exit (no terminal UI).")
    var question: String?

    @OptionGroup var providerOptions: ProviderOptions

    @Option(help: "System prompt for --print.")
    var system: String?

    @Option(name: .customLong("max-tokens"), help: "Most tokens in the reply.")
    var maxTokens: Int?

    @Flag(help: "With --print: do not save the exchange as a thread.")
    var ephemeral = false

    @OptionGroup var global: GlobalOptions

    @Option(help: "Theme of the chat interface: dark, light, high-contrast, basic, or a themes/NAME.toml of yours.")
    var theme: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = StoreLocation.resolve(flag: global.db, environment: environment)
        guard let question else {
            try await runChat(path: path, environment: environment)
            return
        }
        do {
            let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
            let command = PrintCommand(question: question, provider: providerOptions.provider, model: providerOptions.model, baseURL: providerOptions.baseURL, system: system, maxTokens: maxTokens,
                                       ephemeral: ephemeral, databasePath: path, config: settings)
            let thread = try await command.run(environment: environment) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            if let thread { FileHandle.standardError.write(Data("chorus: saved as thread \(thread)\n".utf8)) }
        } catch {
            throw ValidationFailure(message: "\(error)")
        }
    }

    /// The terminal chat app; every setting is checked before the screen is taken over.
    private func runChat(path: String, environment: [String: String]) async throws {
        let startedAt = Date()
        var curses: CursesTerminal?
        let chat: ChatCommand
        do {
            let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
            chat = try ChatCommand(databasePath: path, config: settings, theme: theme,
                                   flags: ProviderFlags(provider: providerOptions.provider, model: providerOptions.model, baseURL: providerOptions.baseURL), environment: environment) {
                let terminal = try CursesTerminal()
                curses = terminal
                return terminal
            }
        } catch {
            throw ValidationFailure(message: "\(error)")
        }
        let session = await chat.runtime.run()
        await curses?.stop()
        if let trace = environment["CHORUS_TRACE"], !trace.isEmpty,
           let handle = FileHandle(forWritingAtPath: trace) ?? (FileManager.default.createFile(atPath: trace, contents: nil) ? FileHandle(forWritingAtPath: trace) : nil) {
            handle.seekToEndOfFile()
            handle.write(Data((ChatCommand.traceLine(session, startedAt: startedAt) + "\n").utf8))
            try? handle.close()
        }
    }

    struct Research: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parallel research without the terminal UI: a planner, N researchers (at most K at once), a synthesizer.",
            discussion: "With --jsonl every run event is a JSON line (event, run_id, ts; node, task, step for task events) and the last line is {\"event\":\"final\",\"answer\":…}. Otherwise branch progress goes to stderr and the answer to stdout.")

        @Argument(help: "The research question.") var question: String?
        @Flag(help: "Write the event stream as JSON lines.") var jsonl = false
        @Option(name: .customLong("max-concurrency"), help: "Researchers running at once (default: [research] max_concurrency, else 4).") var maxConcurrency: Int?
        @Option(help: "Number of sub-questions (default: [research] branches, else 4).") var branches: Int?
        /// Shared with the root command (which would otherwise take these flags): the provider for every role.
        @OptionGroup var providerOptions: ProviderOptions
        @Option(help: "Resume a stopped research thread by id (finished branches are not rerun).") var resume: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            guard question != nil || resume != nil else { throw ValidationError("give a question, or --resume THREAD") }
            do {
                let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
                let command = ResearchCommand(question: question ?? "", branches: branches, maxConcurrency: maxConcurrency,
                                              provider: providerOptions.provider, model: providerOptions.model, baseURL: providerOptions.baseURL, jsonl: jsonl, resumeThread: resume,
                                              databasePath: StoreLocation.resolve(flag: global.db, environment: environment), config: settings)
                let thread = try await command.run(environment: environment) { text in
                    FileHandle.standardOutput.write(Data(text.utf8))
                } progress: { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
                if !jsonl { FileHandle.standardError.write(Data("chorus: saved as research thread \(thread)\n".utf8)) }
            } catch {
                throw ValidationFailure(message: "\(error)")
            }
        }
    }

    struct Threads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Saved threads.", subcommands: [List.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List threads, most recent first.")
            @Flag(help: "One JSON object per line.") var json = false
            @Flag(help: "Include archived threads.") var all = false
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let path = StoreLocation.resolve(flag: global.db, environment: ProcessInfo.processInfo.environment)
                do {
                    for line in try await ThreadsListCommand.lines(databasePath: path, json: json, includeArchived: all) { print(line) }
                } catch {
                    throw ValidationFailure(message: "\(error)")
                }
            }
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Database file (default: $CHORUS_DB, else $XDG_DATA_HOME/chorus/chorus.sqlite).")
    var db: String?

    @Option(help: "Config file (default: $XDG_CONFIG_HOME/chorus/config.toml or ~/.config/chorus/config.toml).")
    var config: String?
}

/// Which model to talk to. A group, so that `chorus research --provider X`
/// fills the subcommand's value (a plain option of the same name on the root
/// command would take it).
struct ProviderOptions: ParsableArguments {
    @Option(help: "Model provider: offline, openai, anthropic, ollama or a [providers.NAME] of config.toml (default: from OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_HOST, else offline).")
    var provider: String?

    @Option(help: "Model name for the provider.")
    var model: String?

    @Option(name: .customLong("base-url"), help: "Provider URL (OpenAI-compatible: ends in /v1; Anthropic: without /v1).")
    var baseURL: String?
}

/// Any failure: the message on stderr, exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
