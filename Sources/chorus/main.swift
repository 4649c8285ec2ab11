import ChorusGraph

let usage = """
    chorus — a terminal chat client on an in-process graph engine

    usage: chorus [--help] [--version]

    The chat interface is being built; today this binary shows this banner.
    The engine's conformance runner is `chorus-conformance`, its benchmarks `chorus-bench`.
    """

let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--version") {
    print("chorus 0.1.0")
} else {
    print(usage)
}
