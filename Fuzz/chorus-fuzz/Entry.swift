import Foundation

/// The target named by `CHORUS_FUZZ_TARGET`, read once.
let selectedTarget = ProcessInfo.processInfo.environment["CHORUS_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

/// libFuzzer calls this once before fuzzing: refuses to start without a known target.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    if selectedTarget == nil {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        FileHandle.standardError.write(Data("chorus-fuzz: set CHORUS_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return 0
}

/// libFuzzer's entry point: one input for the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget?.run(bytes)
    return 0
}
