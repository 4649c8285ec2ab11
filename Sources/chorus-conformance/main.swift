import ChorusConformance
#if canImport(Glibc)
import Glibc
#endif

exit(await ConformanceCommand.main(Array(CommandLine.arguments.dropFirst())))
