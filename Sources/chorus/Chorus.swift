import ArgumentParser
import ChorusAgents
import ChorusApp
import ChorusCurses
import ChorusGraph
import ChorusSettings
import ChorusStore
import ChorusSupport
import ChorusTUI
import Foundation

@main
struct Chorus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "A terminal chat client on an in-process graph engine.",
        version: "0.1.0",
        subcommands: [Threads.self, Research.self, Serve.self])

    @Option(name: .customLong("print"), help: "Answer one question on stdout and exit (no terminal UI). Piped standard input is the question when none is given (or with -), else it is attached to it.")
    var question: String?

    @Flag(name: .customLong("continue"), help: "With --print: continue the most recent chat thread.")
    var continueLatest = false

    @Option(name: .customLong("thread"), help: "With --print: continue this thread (an id or a unique prefix).")
    var thread: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var providerOptions: ProviderOptions

    @OptionGroup var toolOptions: ToolOptions

    @OptionGroup var serverOptions: ServerOptions

    @Flag(help: "With --print: run tools that can change things without asking (otherwise such calls are declined).")
    var approve = false

    @Option(help: "System prompt for --print.")
    var system: String?

    @Option(name: .customLong("max-tokens"), help: "Most tokens in the reply.")
    var maxTokens: Int?

    @Flag(help: "With --print: do not save the exchange as a thread.")
    var ephemeral = false

    @OptionGroup var global: GlobalOptions

    @Option(help: "Theme of the chat interface: dark, light, high-contrast, basic, or a themes/NAME.toml of yours.")
    var theme: String?

    /// Caps malloc's arenas, parses (`--print` with no value reads the
    /// question from standard input), runs, and exits with the codes of `ExitStatus`.
    static func main() async {
        MallocTuning.limitArenas()
        do {
            var command = try parseAsRoot(PrintInput.normalize(arguments: Array(CommandLine.arguments.dropFirst())))
            if var asynchronous = command as? AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("chorus: \(SafeText.sanitize(failure.message))\n".utf8))
            Glibc.exit(failure.code)
        } catch {
            let code = exitCode(for: error)
            guard code != .success else {
                print(fullMessage(for: error))
                Glibc.exit(ExitStatus.ok)
            }
            FileHandle.standardError.write(Data((SafeText.sanitize(fullMessage(for: error)) + "\n").utf8))
            Glibc.exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = StoreLocation.resolve(flag: global.db, environment: environment)
        guard let question else {
            if continueLatest || thread != nil || output.json || approve { throw CommandFailure(UsageError("--continue, --thread, --json and --approve need --print")) }
            try await runChat(path: path, environment: environment)
            return
        }
        if continueLatest, thread != nil { throw CommandFailure(UsageError("give --continue or --thread, not both")) }
        let json = output.json
        let answer: @Sendable ((@Sendable (String) -> Void)?, @escaping @Sendable (String) -> Void) async throws -> PrintResult = try CommandFailure.wrap {
            let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
            let piped = question == PrintInput.fromStandardInput || isatty(STDIN_FILENO) == 0 ? try PrintInput.readStandardInput() : nil
            let text = try PrintInput.question(argument: question, piped: piped)
            let choice: PrintCommand.ThreadChoice? = continueLatest ? .latest : thread.map { .id($0) }
            let server = try ServerConnection.resolve(url: serverOptions.server, assistant: serverOptions.assistant, config: settings, environment: environment)
            if server != nil {
                guard providerOptions.provider == nil, providerOptions.model == nil, providerOptions.baseURL == nil, system == nil, maxTokens == nil,
                      toolOptions.servers.isEmpty else {
                    throw UsageError("with --server the server's assistant answers: --provider, --model, --base-url, --system, --max-tokens and --mcp are for local runs")
                }
            }
            let command = PrintCommand(question: text, provider: providerOptions.provider, model: providerOptions.model, baseURL: providerOptions.baseURL,
                                       system: system, maxTokens: maxTokens, ephemeral: ephemeral, databasePath: path, config: settings,
                                       thread: choice, mcp: toolOptions.servers, noTools: toolOptions.noTools, approveTools: approve, server: server)
            return { write, notice in try await command.answer(environment: environment, write: write, notice: notice) }
        }
        // Ctrl-C (or SIGTERM, SIGHUP) stops the reply; the exit code says so (130 for SIGINT).
        let stoppedBy = Locked<Int32?>(nil)
        let running = Locked<Task<PrintResult, any Error>?>(nil)
        SignalForwarder.start([SIGINT, SIGTERM, SIGHUP]) { sig in
            stoppedBy.withLock { $0 = $0 ?? sig }
            running.withLock { $0 }?.cancel()
            // If cancelling does not end the reply in time, exit anyway.
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) { _exit(128 + sig) }
        }
        // A reader that closes the pipe (`| head`) does not stop the reply: it is generated and saved whole, quietly.
        let output = ClosablePipeOutput()
        let stream: (@Sendable (String) -> Void)? = json ? nil : { @Sendable text in output.write(text) }
        let work = Task {
            try await answer(stream) { line in output.notice(line + "\n") }
        }
        running.withLock { $0 = work }
        if stoppedBy.withLock({ $0 }) != nil { work.cancel() }
        let outcome = await work.result
        if let sig = stoppedBy.withLock({ $0 }) {
            if !json { output.write("\n") }
            throw CommandFailure(message: "interrupted", code: 128 + sig)
        }
        if output.readerClosed {
            if case .failure = outcome { Glibc.exit(ExitStatus.brokenPipe) }
            return
        }
        let result = try CommandFailure.wrap { try outcome.get() }
        if json {
            output.write(result.json + "\n")
        } else {
            output.write("\n")
            if let id = result.threadId { output.notice("chorus: saved as thread \(id)\n") }
        }
    }

    /// The terminal chat app; every setting is checked before the screen is taken over.
    private func runChat(path: String, environment: [String: String]) async throws {
        let startedAt = Date()
        var curses: CursesTerminal?
        let chat: ChatCommand
        do {
            let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
            let server = try ServerConnection.resolve(url: serverOptions.server, assistant: serverOptions.assistant, config: settings, environment: environment)
            chat = try await ChatCommand(databasePath: path, config: settings, theme: theme,
                                         flags: ProviderFlags(provider: providerOptions.provider, model: providerOptions.model, baseURL: providerOptions.baseURL),
                                         environment: environment, mcp: toolOptions.servers, noTools: toolOptions.noTools, server: server) {
                let terminal = try CursesTerminal()
                curses = terminal
                return terminal
            }
        } catch {
            throw CommandFailure(error)
        }
        let session = await chat.runtime.run()
        await curses?.stop()
        if let trace = environment["CHORUS_TRACE"], !trace.isEmpty,
           let handle = FileHandle(forWritingAtPath: trace) ?? (FileManager.default.createFile(atPath: trace, contents: nil) ? FileHandle(forWritingAtPath: trace) : nil) {
            handle.seekToEndOfFile()
            handle.write(Data((ChatCommand.traceLine(session, startedAt: startedAt) + "\n").utf8))
            try? handle.close()
        }
        // Stopped by a signal: exit as a shell expects (128 + signal), now that the reply is saved and the terminal restored.
        if let sig = session.stoppedBy { throw CommandFailure(message: "stopped by signal \(sig); what arrived was saved", code: 128 + sig) }
    }

    struct Research: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parallel research without the terminal UI: a planner, N researchers (at most K at once), a synthesizer.",
            discussion: """
                With --jsonl every run event is a JSON line (event, run_id, ts; node, task, step for task events) and the last line is {"event":"final","answer":…}. Otherwise branch progress goes to stderr and the answer to stdout.

                A budget (--budget-tokens, --budget-usd, or [research] budget_tokens / budget_usd) counts the input and output tokens, or the cost, of the planner's and every branch's model calls. Once it is reached no new call starts, running branches stop with what they had (status "stopped"), and the synthesizer, whose call is outside the budget, answers from what was found; a "budget" line says what was spent.

                Exit status: 0 when the run answered, a reached budget included; 1 when it failed (a provider, every branch failed, or the budget ran out before any branch found anything); 2 for a usage mistake; 130 when interrupted (resume with --resume).
                """)

        @Argument(help: "The research question.") var question: String?
        @Flag(help: "Write the event stream as JSON lines.") var jsonl = false
        @Option(name: .customLong("max-concurrency"), help: "Researchers running at once (default: [research] max_concurrency, else 4).") var maxConcurrency: Int?
        @Option(help: "Number of sub-questions (default: [research] branches, else 4).") var branches: Int?
        /// Shared with the root command (which would otherwise take these flags): the provider for every role.
        @OptionGroup var providerOptions: ProviderOptions
        @Option(help: "Resume a stopped research thread by id (finished branches are not rerun).") var resume: String?
        @Option(name: .customLong("budget-tokens"), help: "Stop starting model calls once the run's calls used this many tokens (default: [research] budget_tokens).")
        var budgetTokens: Int?
        @Option(name: .customLong("budget-usd"), help: "Likewise in US dollars, from the models' prices (default: [research] budget_usd).")
        var budgetUSD: Double?
        @OptionGroup var toolOptions: ToolOptions
        @OptionGroup var serverOptions: ServerOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            guard question != nil || resume != nil else { throw ValidationError("give a question, or --resume THREAD") }
            do {
                let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: global.config, environment: environment))
                let server = try ServerConnection.resolve(url: serverOptions.server, assistant: serverOptions.assistant ?? (serverOptions.server == nil ? nil : "research"),
                                                          config: settings, environment: environment)
                if server != nil {
                    guard branches == nil, maxConcurrency == nil, providerOptions.provider == nil, providerOptions.model == nil,
                          providerOptions.baseURL == nil, toolOptions.servers.isEmpty else {
                        throw UsageError("with --server the server's assistant runs the research: --branches, --max-concurrency, --provider, --model, --base-url and --mcp are for local runs")
                    }
                }
                let command = ResearchCommand(question: question ?? "", branches: branches, maxConcurrency: maxConcurrency,
                                              provider: providerOptions.provider, model: providerOptions.model, baseURL: providerOptions.baseURL, jsonl: jsonl, resumeThread: resume,
                                              databasePath: StoreLocation.resolve(flag: global.db, environment: environment), config: settings,
                                              mcp: toolOptions.servers, noTools: toolOptions.noTools, server: server,
                                              budget: ResearchBudget(tokens: budgetTokens, usd: budgetUSD))
                let thread = try await command.run(environment: environment) { text in
                    FileHandle.standardOutput.write(Data(text.utf8))
                } progress: { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
                if !jsonl {
                    let place = server.map { " on \($0.client.baseURL)" } ?? ""
                    FileHandle.standardError.write(Data("chorus: saved as research thread \(thread)\(place)\n".utf8))
                }
            } catch {
                throw CommandFailure(error)
            }
        }
    }

    struct Threads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Saved threads. ID is a thread id or a unique prefix of one.",
            subcommands: [List.self, Show.self, History.self, Search.self, Rename.self, Delete.self, Export.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List threads, most recent first.")
            @OptionGroup var output: OutputOptions
            @Flag(help: "Include archived threads.") var all = false
            @Flag(help: "Add what each thread's model calls spent: tokens and, where prices are configured, US dollars.") var usage = false
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let lines = try await CommandFailure.wrap {
                    try await ThreadsListCommand.lines(try global.backend(serverOptions), json: output.json, includeArchived: all, usage: usage)
                }
                for line in lines { print(line) }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a thread's messages.")
            @Argument(help: "Thread id or unique prefix.") var id: String
            @OptionGroup var output: OutputOptions
            @Flag(help: "Markdown.") var markdown = false
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                if output.json, markdown { throw CommandFailure(UsageError("give --json or --markdown, not both")) }
                let format: ThreadDocument.Format = output.json ? .json : markdown ? .markdown : .text
                let text = try await CommandFailure.wrap { try await ThreadsShowCommand.output(try global.backend(serverOptions), reference: id, format: format) }
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }

        struct History: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a thread's checkpoints, newest first: step, source, the nodes that wrote each, messages.")
            @Argument(help: "Thread id or unique prefix.") var id: String
            @Option(help: "At most this many checkpoints (1 to 1000).") var limit = 100
            @OptionGroup var output: OutputOptions
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let text = try await CommandFailure.wrap {
                    try await ThreadsHistoryCommand.output(try global.backend(serverOptions), reference: id, json: output.json, limit: limit)
                }
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }

        struct Search: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Search every message (full text), newest first.")
            @Argument(help: "Words to find (the last one as a prefix).") var query: String
            @OptionGroup var output: OutputOptions
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let lines = try await CommandFailure.wrap { try await ThreadsSearchCommand.lines(try global.backend(serverOptions), query: query, json: output.json) }
                for line in lines { print(line) }
            }
        }

        struct Rename: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Give a thread a new title.")
            @Argument(help: "Thread id or unique prefix.") var id: String
            @Argument(help: "The new title.") var title: String
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let renamed = try await CommandFailure.wrap { try await ThreadsRenameCommand.run(try global.backend(serverOptions), reference: id, title: title) }
                FileHandle.standardError.write(Data("chorus: renamed thread \(renamed)\n".utf8))
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete a thread and all its messages (asks first, unless --yes).")
            @Argument(help: "Thread id or unique prefix.") var id: String
            @Flag(name: [.customShort("y"), .long], help: "Do not ask.") var yes = false
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let deleted = try await CommandFailure.wrap {
                    try await ThreadsDeleteCommand.run(try global.backend(serverOptions), reference: id, yes: yes) { question in
                        guard isatty(STDIN_FILENO) == 1 else { return nil }
                        FileHandle.standardError.write(Data(question.utf8))
                        guard let answer = readLine() else { return nil }
                        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
                    }
                }
                FileHandle.standardError.write(Data("chorus: deleted thread \(deleted)\n".utf8))
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Write threads to stdout (every thread when no id is given).")
            @Argument(help: "Thread ids or unique prefixes.") var ids: [String] = []
            @Option(help: "markdown or json.") var format: String = "markdown"
            @OptionGroup var serverOptions: ServerOptions
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                guard let chosen = ThreadDocument.Format(rawValue: format), chosen != .text else {
                    throw CommandFailure(UsageError("unknown format '\(format)'; use markdown or json"))
                }
                let text = try await CommandFailure.wrap { try await ThreadsExportCommand.output(try global.backend(serverOptions), references: ids, format: chosen) }
                FileHandle.standardOutput.write(Data(text.utf8))
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

    /// The database file these options name.
    var path: String { StoreLocation.resolve(flag: db, environment: ProcessInfo.processInfo.environment) }

    /// The threads a `threads` subcommand acts on, chosen once: the server's with
    /// `--server` (or the config's `[server] url`), else the local database's.
    func backend(_ server: ServerOptions) throws -> any ThreadBackend {
        let environment = ProcessInfo.processInfo.environment
        let settings = try ChorusConfig.load(path: ChorusConfig.path(flag: config, environment: environment))
        if let connection = try ServerConnection.resolve(url: server.server, assistant: server.assistant, config: settings, environment: environment) {
            return RemoteBackend(client: connection.client, assistant: connection.assistant, drafts: nil)
        }
        return LocalBackend(database: try ChorusDatabase(path: path), environment: environment, config: settings)
    }
}

/// `--json`. A group, like `ProviderOptions`, so that `chorus threads list
/// --json` fills the subcommand's flag rather than the root command's.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON: one object (--print: thread_id, reply, usage, model; threads show), or one per line (threads list, search).")
    var json = false
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

/// A LangGraph server to work on instead of the local engine. A group, as `ProviderOptions`.
struct ServerOptions: ParsableArguments {
    @Option(help: "A LangGraph server (LangGraph Platform, langgraph dev, chorus serve) whose threads and assistants to use instead of the local engine (default: [server] url of config.toml). The key is read from LANGGRAPH_API_KEY or [server] api_key_env.")
    var server: String?

    @Option(help: "With --server: the assistant (graph name or id) new threads run (default: [server] assistant, else chat).")
    var assistant: String?
}

/// Which MCP servers' tools the agents get (`[mcp.NAME]` of config.toml).
struct ToolOptions: ParsableArguments {
    @Option(name: .customLong("mcp"), help: "Use only this MCP server of config.toml ([mcp.NAME]); repeat for more (default: every enabled one).")
    var servers: [String] = []

    @Flag(name: .customLong("no-tools"), help: "Use no MCP server.")
    var noTools = false
}

/// A command's failure: the message on stderr and the exit code of `ExitStatus`.
struct CommandFailure: Error {
    let message: String
    let code: Int32

    init(message: String, code: Int32) {
        self.message = message
        self.code = code
    }

    init(_ error: any Error) {
        self.init(message: "\(error)", code: ExitStatus.of(error))
    }

    /// Runs `body`, turning its error into a `CommandFailure`.
    static func wrap<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure(error) }
    }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure(error) }
    }
}
