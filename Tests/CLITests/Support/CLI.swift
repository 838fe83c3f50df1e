import Foundation

/// What one run of the `nnpipe` binary did.
struct CLIResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs the built `nnpipe` binary the way a user does, in a folder of its own.
enum CLI {
    /// The binary SwiftPM built beside the test bundle.
    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("nnpipe")
    }()

    /// The repository root, found from this file's path.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ path: String) -> URL { repoRoot.appendingPathComponent("Tests/Fixtures/\(path)") }

    /// Runs `nnpipe ARGS` in `directory`, feeding `stdin` (or the file at `stdinFile`), with
    /// `environment` added to this process's environment.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, stdin: Data? = nil, stdinFile: URL? = nil,
                    environment: [String: String] = [:]) throws -> CLIResult {
        let id = UUID().uuidString
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-out-\(id)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        var inputURL: URL?
        if let stdin {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-in-\(id)")
            try stdin.write(to: url)
            inputURL = url
        }
        if let source = inputURL ?? stdinFile {
            process.standardInput = try FileHandle(forReadingFrom: source)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        defer { if let inputURL { try? FileManager.default.removeItem(at: inputURL) } }
        try process.run()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A fresh temporary folder for one test, removed afterwards.
final class WorkDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target.path
    }

    func read(_ name: String) throws -> Data { try Data(contentsOf: url.appendingPathComponent(name)) }
    func text(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Names in the folder (to check that no temporary file was left behind).
    func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }

    /// Writes the sum model (`m.json`) and a pipeline (`p.yaml`) feeding it x1, x2 from `input`.
    func writeSumPipeline(input: String, output: String, extraWrite: String = "", execution: String = "") throws {
        try write("m.json", sumModel)
        try write("p.yaml", pipelineYAML(input: input, model: "m.json", features: ["x1", "x2"], output: output,
                                          extraWrite: extraWrite, execution: execution))
    }

    /// Runs `nnpipe` here.
    @discardableResult
    func nnpipe(_ arguments: String..., stdin: Data? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        try CLI.run(arguments, in: url, stdin: stdin, environment: environment)
    }
}

/// Shell helpers for making test inputs.
enum Shell {
    /// Runs `command` with bash in `directory`, returning its standard output.
    @discardableResult
    static func run(_ command: String, in directory: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}

/// A simple pipeline file over `input`, with the model at `model`.
func pipelineYAML(input: String, model: String, features: [String], carry: [String] = ["id"], output: String,
                  extraRead: String = "", extraWrite: String = "", execution: String = "") -> String {
    """
    stages:
      - read:
          path: "\(input)"
          features: [\(features.joined(separator: ", "))]
          carry: [\(carry.joined(separator: ", "))]
    \(extraRead)
      - forward:
          model: \(model)
      - write:
          path: "\(output)"
    \(extraWrite)
    \(execution)
    """
}

/// Parses CSV text of numbers (after a header) into rows of doubles, keeping the first column as text.
func numericRows(_ text: String) -> [(id: String, values: [Double])] {
    text.split(separator: "\n").dropFirst().map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        return (String(fields[0]), fields.dropFirst().map { Double($0) ?? .nan })
    }
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func poll(seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}
