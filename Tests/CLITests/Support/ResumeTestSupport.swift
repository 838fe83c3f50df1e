import Foundation

/// A small deterministic generator (SplitMix64), so a seed replays the same kills.
struct SplitMix64 {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

extension WorkDir {
    /// Runs `nnpipe ARGS` here under `timeout -s KILL 120` (see ``nnpipe(within:_:stdin:environment:)``),
    /// with the arguments as an array.
    func bounded(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let errURL = url.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-s", "KILL", "120", CLI.binary.path] + arguments
        process.currentDirectoryURL = url
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: Data(),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
