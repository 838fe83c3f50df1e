import Foundation
import Glibc
import Testing

/// Output names: a template's output stays in the folder the template names, every input of a
/// template run gets its output, any name a folder can hold can be written (and resumed), and an
/// output that cannot be replaced is refused before the first row.
@Suite("Output names: inside their folder, one per input, any legal length")
struct OutputNameTests {
    /// A folder with the sum model and `p.yaml` reading `inputs` (a YAML list) into `output`.
    static func folder(inputs: String, output: String, extra: String = "") throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read:
                  path: \(inputs)
                  features: [x1, x2]
                  carry: [id]
              - forward:
                  model: m.json
              - write:
                  path: "\(output)"
            \(extra)
            """)
        return dir
    }

    struct Escape: CustomTestStringConvertible, Sendable {
        var input: String
        var arguments: [String]
        var status: Int32
        var says: String
        var testDescription: String { "\(input) \(arguments.joined(separator: " "))" }
    }

    static let escapes: [Escape] = [
        .init(input: "..csv", arguments: ["-o", "out/{stem}"], status: 64,
              says: "--output out/{stem} gives the input in/..csv the name out/., where '.' is a folder"),
        .init(input: "..csv", arguments: ["-o", "out/x/{stem}./y.csv"], status: 64,
              says: "gives the input in/..csv the name out/x/../y.csv, where '..' is a folder"),
        .init(input: "...csv", arguments: ["-o", "out/{stem}/y.csv"], status: 64, says: "where '..' is a folder"),
        .init(input: ".csv", arguments: ["-o", "out/{stem}/y.csv"], status: 64, says: "where an empty name is a folder"),
        .init(input: "..csv", arguments: [], status: 78, says: "p.yaml:9:13: stages[2].write.path: out/{stem}"),
    ]

    @Test("a stem of . or .. (or none) that would take the output out of its folder is refused before any row", arguments: escapes)
    func escape(_ c: Escape) throws {
        let dir = try Self.folder(inputs: "[in/\(c.input), in/a.csv]", output: "out/{stem}")
        try dir.write("in/\(c.input)", "id,x1,x2\na,1,2\n")
        try dir.write("in/a.csv", "id,x1,x2\nb,1,2\n")
        let before = try dir.listing()
        let result = try dir.nnpipe(within: 120, arguments: ["run", "p.yaml"] + c.arguments)
        #expect(result.status == c.status, "\(result.stderr)")
        #expect(result.stderr.contains(c.says), "\(result.stderr)")
        #expect(result.stderr.contains("rename the input or change the template"), "\(result.stderr)")
        #expect(try dir.listing() == before, "a file was written")
        let validate = try dir.nnpipe(within: 120, arguments: ["validate", "p.yaml"] + c.arguments)
        #expect(validate.status == c.status, "\(validate.stderr)")
    }

    @Test("a dotted stem that stays a file name is written as usual")
    func dottedStem() throws {
        let dir = try Self.folder(inputs: "[in/..csv]", output: "out/{stem}.scored.csv")
        try dir.write("in/..csv", "id,x1,x2\na,1,2\n")
        let result = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out/..scored.csv") == "id,y0,y1\na,5.0,1.0\n")
    }

    @Test("inputs that are links to one file each get their output in a template run; a plain run reads the file once")
    func linkedInputs() throws {
        let dir = try Self.folder(inputs: "\"in/*.csv\"", output: "out/{stem}.csv")
        try dir.write("in/x.csv", "id,x1,x2\na,1,2\n")
        #expect(link(dir.path("in/x.csv"), dir.path("in/y.csv")) == 0)
        #expect(symlink("x.csv", dir.path("in/z.csv")) == 0)
        let result = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted() == ["x.csv", "y.csv", "z.csv"])
        for name in ["x", "y", "z"] { #expect(try dir.text("out/\(name).csv") == "id,y0,y1\na,5.0,1.0\n", "\(name)") }
        // The same file named twice for one output is still read once.
        let twice = try dir.nnpipe(within: 120, "run", "p.yaml", "--input", "in/x.csv", "--input", "./in/x.csv")
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(twice.stderr.contains("1 rows read"), "\(twice.stderr)")
        let plain = try dir.nnpipe(within: 120, "run", "p.yaml", "-o", "all.csv")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try dir.text("all.csv") == "id,y0,y1\na,5.0,1.0\n")
    }

    /// A name of `bytes` bytes, two-byte letters first (cut anywhere, they must stay whole).
    static func longName(_ bytes: Int) -> String {
        String(repeating: "é", count: (bytes - 4) / 2) + String(repeating: "a", count: (bytes - 4) % 2) + ".csv"
    }

    @Test("output names up to 255 bytes are written, with their rejects file", arguments: [200, 231, 232, 250, 255])
    func longNames(_ bytes: Int) throws {
        let name = Self.longName(bytes)
        #expect(name.utf8.count == bytes)
        let dir = try Self.folder(inputs: "in.csv", output: "out/\(name)", extra: "errors: {policy: reject, rejects: \"rej/\(name)\"}")
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,x,1\n")
        let result = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out/\(name)") == "id,y0,y1\na,5.0,1.0\n")
        #expect(try dir.text("rej/\(name)").hasPrefix("line,reason,record\n3,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")) == [name])
    }

    @Test("an output name of 256 bytes is refused before any row (73)")
    func tooLongName() throws {
        let dir = try Self.folder(inputs: "in.csv", output: "out/\(Self.longName(256))")
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        let result = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("is 256 bytes long; a file or folder name may have at most 255"), "\(result.stderr)")
        #expect(result.stderr.contains("0 rows read"), "\(result.stderr)")
        #expect(!dir.exists("out"))
    }

    @Test("a run with a 255-byte output name killed outright is resumed byte for byte; without --resume its leftovers go",
          .bounded(minutes: 3))
    func longNameResume() throws {
        let name = Self.longName(255)
        let dir = try Self.folder(inputs: "big.csv", output: "out/\(name)",
                                  extra: "execution: {chunk_rows: 200, journal_interval: 0}")
        try Shell.run(#"awk 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 200000; i++) print i "," (i % 97) / 8 "," (i % 89) / 4 }' > big.csv"#, in: dir.url)
        let reference = try dir.nnpipe(within: 120, "run", "p.yaml", "-o", "reference.csv")
        #expect(reference.status == 0, "\(reference.stderr)")
        func sideFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).filter { $0.contains(".nnpipe-") }
        }
        for resume in [true, false] {
            // SIGKILL once the journal holds an entry.
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["run", "p.yaml", "--quiet"]
            process.currentDirectoryURL = dir.url
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let journaled = poll(seconds: 60) {
                guard let journal = try? sideFiles().first(where: { $0.hasSuffix(".nnpipe-journal") }),
                      let text = try? dir.text("out/\(journal)") else { return false }
                return text.contains("\nentry ")
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(journaled, "no journal entry before the run ended")
            #expect(try sideFiles().allSatisfy { $0.utf8.count <= 255 })
            let again = try dir.nnpipe(within: 120, arguments: ["run", "p.yaml"] + (resume ? ["--resume"] : []))
            #expect(again.status == 0, "\(again.stderr)")
            if resume && journaled { #expect(again.stderr.contains("by the run resumed"), "\(again.stderr)") }
            try expectSameBytes(dir.read("out/\(name)"), dir.read("reference.csv"), name)
            #expect(try sideFiles() == [], "left behind")
            try FileManager.default.removeItem(atPath: dir.path("out/\(name)"))
        }
    }

    @Test("a file another user owns in a sticky folder is refused before the first row (73)", .bounded(minutes: 2))
    func stickyFolder() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let dir = try Self.folder(inputs: "in.csv", output: "shared/out.csv")
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("shared/out.csv", "theirs\n")
        #expect(chmod(dir.url.path, 0o755) == 0)
        #expect(chmod(dir.path("shared"), 0o1777) == 0)
        #expect(chmod(dir.path("shared/out.csv"), 0o666) == 0)
        // The other user runs a copy in the test's own folder: the build folder may sit in a
        // folder only root can enter (a clone in `mktemp -d`).
        let binary = dir.path("nnpipe")
        try FileManager.default.copyItem(atPath: CLI.binary.path, toPath: binary)
        #expect(chmod(binary, 0o755) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/timeout", "-s", "KILL", "60",
                             binary, "run", "p.yaml"]
        process.currentDirectoryURL = dir.url
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 73, "\(stderr)")
        #expect(stderr.contains("shared/out.csv: cannot replace it: it belongs to user root and"), "\(stderr)")
        #expect(stderr.contains("0 rows read"), "\(stderr)")
        #expect(try dir.text("shared/out.csv") == "theirs\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("shared")) == ["out.csv"])
    }
}
