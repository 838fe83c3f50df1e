import Foundation
import Testing

/// A table of hostile cases, each a shell function `c_NAME` in `Tests/Fixtures/hostile/*.sh`
/// (helpers in `prelude.sh`), run in a folder of its own against the built binary: resumes that
/// must trust nothing on disk, files a run must not write, option values, limits, names, gzip,
/// zstd and CSV edge cases, and numbers against Python's `float()` and numpy. Each case states
/// what must hold (the exit status class, the files left, the message) and fails on an exit 0
/// with a wrong or missing file, a trap or signal, a changed file of the user's, or another
/// status; a case whose tool (bgzip, pigz, numpy, unshare) is missing passes, saying so.
@Suite("Hostile inputs: exit 0 only with the right files, no crash, nothing of the user's destroyed")
struct HostileInputTests {
    static let folder = CLI.fixture("hostile")

    /// Every case as `FILE:FUNCTION`, read from the case files.
    static let cases: [String] = {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".sh") && $0 != "prelude.sh" }.sorted()
        return files.flatMap { file -> [String] in
            let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                guard line.hasPrefix("c_"), let name = line.split(separator: "(").first else { return nil }
                return "\(file.dropLast(3)):\(name)"
            }
        }
    }()

    @Test("the table has its cases")
    func tableIsThere() {
        #expect(Self.cases.count >= 100, "\(Self.cases)")
    }

    @Test("hostile case", arguments: cases)
    func hostileCase(_ name: String) throws {
        let parts = name.split(separator: ":")
        let (file, function) = (String(parts[0]), String(parts[1]))
        let dir = try WorkDir()
        let script = "source \(shellQuoted(Self.folder.appendingPathComponent("prelude.sh").path)); "
            + "source \(shellQuoted(Self.folder.appendingPathComponent(file + ".sh").path)); \(function)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-s", "KILL", "300", "/bin/bash", "-c", script]
        process.currentDirectoryURL = dir.url
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["NNPIPE": CLI.binary.path, "FIXTURES": CLI.fixture("").path]) { $1 }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-hostile-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(name): \(output.suffix(2000))")
    }
}
