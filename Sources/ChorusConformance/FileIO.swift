#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes for the runner, with errors that name the path.
public enum FileIO {
    public static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw ScenarioError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        return bytes
    }

    public static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw ScenarioError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        if fwrite(bytes, 1, bytes.count, file) != bytes.count { throw ScenarioError("short write to \(path)") }
    }

    /// `.json` files of a directory, sorted by name.
    public static func jsonFiles(in directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw ScenarioError("cannot open directory \(directory)") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasSuffix(".json") { names.append(name) }
        }
        return names.sorted().map { directory + "/" + $0 }
    }

    public static func makeDirectory(_ path: String) {
        mkdir(path, 0o755)
    }
}
