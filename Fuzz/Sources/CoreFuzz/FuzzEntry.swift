#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if FUZZING
    /// The target chosen with `CES_CORE_FUZZ_TARGET` (see scripts/fuzz).
    let selectedTarget: CoreFuzzTarget? = {
        guard let name = getenv("CES_CORE_FUZZ_TARGET").map({ String(cString: $0) }) else { return nil }
        return CoreFuzzTarget(rawValue: name)
    }()

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let target = selectedTarget else {
            fatalError(
                "set CES_CORE_FUZZ_TARGET to one of: " + CoreFuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        target.run(bytes)
        return 0
    }

    /// libFuzzer's driver (exported by the -sanitize=fuzzer runtime since LLVM 11).
    @_silgen_name("LLVMFuzzerRunDriver")
    func llvmFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links executables with `main` aliased to `<module>_main`, so libFuzzer's own `main` is
    /// never pulled in; this entry point hands control to libFuzzer's driver instead.
    @_cdecl("CoreFuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        var count = argc
        var arguments = argv
        return llvmFuzzerRunDriver(&count, &arguments) { data, size in fuzzTestOneInput(data, size) }
    }
#else
    /// Replay mode for builds without libFuzzer: `CoreFuzz TARGET FILE…` runs each file once.
    @main
    struct Replay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = CoreFuzzTarget(rawValue: name) else {
                print(
                    "usage: CoreFuzz TARGET FILE…  (targets: \(CoreFuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                exit(64)
            }
            var count = 0
            for path in arguments.dropFirst() {
                guard let bytes = readFile(path) else {
                    print("cannot read \(path)")
                    exit(66)
                }
                target.run(bytes)
                count += 1
            }
            print("\(name): replayed \(count) input(s) without a crash")
        }

        static func readFile(_ path: String) -> [UInt8]? {
            guard let file = fopen(path, "rb") else { return nil }
            defer { fclose(file) }
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count <= 0 { break }
                out += buffer[0..<count]
            }
            return out
        }
    }
#endif
