import Foundation

extension WorkDir {
    /// Runs `nnpipe ARGS` here under `timeout -s KILL`, so a hang fails the test (status 137)
    /// instead of hanging the suite. Standard error is kept whole, however long; standard input
    /// is the file at `stdin`, or empty.
    @discardableResult
    func nnpipe(within seconds: Int, _ arguments: String..., stdin: URL? = nil,
                environment: [String: String] = [:]) throws -> CLIResult {
        try nnpipe(within: seconds, arguments: arguments, stdin: stdin, environment: environment)
    }

    /// ``nnpipe(within:_:stdin:environment:)`` with the arguments as an array.
    @discardableResult
    func nnpipe(within seconds: Int, arguments: [String], stdin: URL? = nil,
                environment: [String: String] = [:]) throws -> CLIResult {
        let errURL = url.appendingPathComponent(".stderr-\(UUID().uuidString)")
        let outURL = url.appendingPathComponent(".stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: errURL)
            try? FileManager.default.removeItem(at: outURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-s", "KILL", "\(seconds)", CLI.binary.path] + arguments
        process.currentDirectoryURL = url
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

extension CLIResult {
    /// Standard error's lines, without the last newline.
    var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stderr.hasSuffix("\n") ? 1 : 0).map { $0 } }
}
