import Foundation
import Testing

/// Every example in `--help` runs as printed: the lines that start with `nnpipe` or feed it
/// (`zcat … | nnpipe …`) are run with bash in a folder holding the repository's pipelines/ and
/// sample-data/ and the files the examples name (`p.yaml`, `x.csv.gz`, `in/*.csv`, `m.json`, …).
@Suite("--help examples run as printed")
struct HelpExampleTests {
    static let commands = ["", "run", "validate", "test", "inspect"]

    /// The example command lines in `nnpipe COMMAND --help`.
    static func examples(_ command: String) throws -> [String] {
        let dir = try WorkDir()
        let help = try CLI.run((command.isEmpty ? [] : [command]) + ["--help"], in: dir.url).stdoutText
        return help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { line in ["run", "validate", "test", "inspect"].contains { line.hasPrefix("nnpipe \($0) ") } || line.hasPrefix("zcat ") }
    }

    /// A folder with what the examples read.
    func exampleFolder() throws -> WorkDir {
        let dir = try WorkDir()
        let root = CLI.repoRoot.path
        try Shell.run("""
            set -e
            cp -R \(shellQuoted(root))/pipelines \(shellQuoted(root))/sample-data .
            cp sample-data/seed-model.json m.json
            cp sample-data/seed-samples.csv.gz x.csv.gz
            gzip -dc x.csv.gz > in.csv
            mkdir in && cp in.csv in/a.csv && cp in.csv in/b.csv
            cp sample-data/sensor-model.onnx model.onnx
            """, in: dir.url)
        try dir.write("p.yaml", """
            stages:
              - read: {path: x.csv.gz, features: [x1, x2], carry: [id]}
              - forward: {model: m.json}
              - write: {path: out.csv}
            """)
        return dir
    }

    @Test("every example line of every command's --help exits 0 and prints or writes what the help says", arguments: commands)
    func examplesRun(_ command: String) throws {
        let lines = try Self.examples(command)
        #expect(!lines.isEmpty || command.isEmpty, "no examples in nnpipe \(command) --help")
        for line in lines {
            let dir = try exampleFolder()
            try Self.prepare(line, dir)
            // The binary under test stands for `nnpipe`; a reader closing early (`| head`) is fine.
            let script = "nnpipe() { \(shellQuoted(CLI.binary.path)) \"$@\"; }; \(line) > stdout.txt 2> stderr.txt; echo $?"
            let status = String(decoding: try Shell.run(script, in: dir.url), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let stderr = try dir.text("stderr.txt")
            #expect(status == "0", "\(line): status \(status): \(stderr)")
            let errors = stderr.split(separator: "\n").filter { $0.hasPrefix("nnpipe: ") && !$0.contains("done: ") && !$0.hasPrefix("nnpipe: warning") }
                .filter { !$0.contains(" passed, 0 failed") }
            #expect(errors.isEmpty, "\(line): \(stderr)")
            try Self.check(line, dir, stdout: try dir.text("stdout.txt"))
        }
    }
}
