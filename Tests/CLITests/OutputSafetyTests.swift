import Foundation
import Glibc
import Testing

/// Issue 10: no run writes over what it reads, no two outputs share a path, streams are written
/// in place, and a replaced file keeps what it was (a symlink, its mode). Every case checks the
/// files on disk afterwards.
@Suite("Paths a run writes: collisions refused, streams written in place")
struct OutputSafetyTests {
    /// A folder with `in.csv` (3 rows), the sum model and `p.yaml` reading `in.csv` into `out.csv`.
    func sumDir(extra: String = "") throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,3,4\nc,0.5,-1\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv", execution: extra)
        return dir
    }

    struct Collision: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        /// Replaces the pipeline's `write.path` value, or adds YAML after it.
        var writePath: String? = nil
        var extraYAML: String = ""
        var status: Int32
        var says: String
        var testDescription: String { name }
    }

    static let collisions: [Collision] = [
        .init(name: "--output is the input", arguments: ["--output", "in.csv"], status: 64, says: "--output in.csv is the same file as the input in.csv"),
        .init(name: "--output ./sub/../in.csv", arguments: ["--output", "./sub/../in.csv"], status: 64, says: "is the same file as the input"),
        .init(name: "--output a symlink to the input", arguments: ["--output", "link.csv"], status: 64, says: "is the same file as the input"),
        .init(name: "--output is the pipeline file", arguments: ["--output", "p.yaml"], status: 64, says: "is the same file as the pipeline file p.yaml"),
        .init(name: "--output is the model file", arguments: ["--output", "m.json"], status: 64, says: "is the same file as the model file"),
        .init(name: "write.path equals read.path", arguments: [], writePath: "in.csv", status: 78, says: "stages[2].write.path: the output"),
        .init(name: "a {name} template over the input's folder", arguments: [], writePath: "{name}", status: 78, says: "is the same file as the input"),
        .init(name: "rejects equal to the input", arguments: [], extraYAML: "errors: {policy: reject, rejects: in.csv}", status: 78,
              says: "errors.rejects: the rejects file"),
        .init(name: "--output equal to the rejects file", arguments: ["--output", "rej.csv"],
              extraYAML: "errors: {policy: reject, rejects: rej.csv}", status: 64, says: "one would replace the other"),
        .init(name: "--output equal to --stats-json", arguments: ["--output", "s.json", "--stats-json", "s.json"], status: 64,
              says: "--stats-json s.json is the same file as --output s.json"),
        .init(name: "--stats-json is the input", arguments: ["--stats-json", "in.csv"], status: 64, says: "--stats-json in.csv is the same file as the input"),
        .init(name: "--input - redirected from the output", arguments: ["--input", "-", "--output", "in.csv"], status: 64,
              says: "--input standard input"),
    ]

    @Test("an output that is a file the run reads or writes is refused before any row, inputs unchanged", arguments: collisions)
    func collision(_ c: Collision) throws {
        let dir = try sumDir()
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.csv"), withDestinationPath: "in.csv")
        var yaml = try dir.text("p.yaml")
        if let path = c.writePath { yaml = yaml.replacingOccurrences(of: "path: \"out.csv\"", with: "path: \"\(path)\"") }
        yaml += "\n" + c.extraYAML + "\n"
        try dir.write("p.yaml", yaml)
        let before = try dir.listing().map { ($0, try? dir.read($0)) }
        let result = try CLI.run(["run", "p.yaml"] + c.arguments, in: dir.url, stdinFile: dir.url.appendingPathComponent("in.csv"))
        #expect(result.status == c.status, "\(result.stderr)")
        #expect(result.stderr.contains(c.says), "\(result.stderr)")
        #expect(errorLines(result.stderr).count == 1, "\(result.stderr)")
        // Every file is as it was, and nothing was added.
        let after = try dir.listing().map { ($0, try? dir.read($0)) }
        #expect(after.map(\.0) == before.map(\.0))
        for ((name, data), (_, old)) in zip(after, before) { expectSameBytes(data, old, "\(name) changed") }
        // validate finds the same problem (it has no --stats-json).
        if !c.arguments.contains("--stats-json") {
            let validate = try CLI.run(["validate", "p.yaml"] + c.arguments, in: dir.url, stdinFile: dir.url.appendingPathComponent("in.csv"))
            #expect(validate.status == c.status, "\(validate.stderr)")
        }
    }

    @Test("an output inside an input pattern's reach is refused: the next run would read it")
    func outputUnderInputPattern() throws {
        let dir = try WorkDir()
        try dir.write("in/a.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in/*.csv", output: "in/scores.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("matches the input pattern in/*.csv"), "\(result.stderr)")
        #expect(!dir.exists("in/scores.csv"))
        // A hidden name, or another folder, is fine.
        let elsewhere = try dir.nnpipe("run", "p.yaml", "--output", "out/scores.csv")
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
    }

    @Test("the same input under another name (./x.csv, a symlink) is read once")
    func sameInputTwice() throws {
        let dir = try WorkDir()
        try dir.write("x.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path("y.csv"), withDestinationPath: "x.csv")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read: {path: [x.csv, ./x.csv, y.csv], features: [x1, x2], carry: [id]}
              - forward: {model: m.json}
              - write: {path: out.csv}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
        #expect(result.stderr.contains("done: 2 rows read, 2 written"))
    }

    @Test("a symlink to a file is replaced at its target and stays a symlink; modes carry over")
    func symlinkAndMode() throws {
        let dir = try sumDir()
        try dir.write("real/out.csv", "earlier\n")
        chmod(dir.path("real/out.csv"), 0o640)
        let asRoot = geteuid() == 0
        if asRoot { #expect(chown(dir.path("real/out.csv"), 65534, 65534) == 0) }
        try FileManager.default.createSymbolicLink(atPath: dir.path("out.csv"), withDestinationPath: "real/out.csv")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("out.csv"))
        #expect(link == "real/out.csv")
        #expect(try dir.text("real/out.csv") == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\nc,-1.5,0.5\n")
        var info = stat()
        #expect(stat(dir.path("real/out.csv"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)
        if asRoot { #expect(info.st_uid == 65534 && info.st_gid == 65534, "the owner did not carry over") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("real")) == ["out.csv"])
    }

    @Test("a symlink to /proc/self/fd/1 is written through standard output, never replaced")
    func symlinkToStandardOutput() throws {
        let dir = try sumDir()
        try FileManager.default.createSymbolicLink(atPath: dir.path("so"), withDestinationPath: "/proc/self/fd/1")
        try FileManager.default.createSymbolicLink(atPath: dir.path("se"), withDestinationPath: "/proc/self/fd/2")
        let result = try dir.nnpipe("run", "p.yaml", "--output", "so", "--stats-json", "se")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\nc,-1.5,0.5\n")
        #expect(result.stderr.contains("\"rows_written\": 3"), "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("so")) == "/proc/self/fd/1")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("se")) == "/proc/self/fd/2")
    }

    /// The literal `/dev/stdout` and `/dev/stderr`, run as root with standard output redirected to a
    /// file: only inside a private mount namespace with its own /dev, never against the machine's.
    @Test("/dev/stdout and /dev/stderr redirected to files are written, not replaced (private /dev)",
          .enabled(if: PrivateDev.available))
    func devStdout() throws {
        let dir = try sumDir()
        let script = """
            set -e
            mount -t tmpfs nnpipe-dev /dev
            ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
            mknod -m 666 /dev/null c 1 3
            \(shellQuoted(CLI.binary.path)) run p.yaml --output /dev/stdout --stats-json /dev/stderr > redirected.csv 2> err.txt
            echo "status $?"
            ls -l /dev/stdout /dev/stderr
            """
        let output = String(decoding: try Shell.run("unshare -m sh -c \(shellQuoted(script))", in: dir.url), as: UTF8.self)
        #expect(output.contains("status 0"), "\(output)")
        #expect(output.contains("/dev/stdout -> /proc/self/fd/1"), "\(output)")
        #expect(output.contains("/dev/stderr -> /proc/self/fd/2"), "\(output)")
        #expect(try dir.text("redirected.csv") == "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\nc,-1.5,0.5\n")
        #expect(try dir.text("err.txt").contains("\"rows_written\": 3"))
    }

    @Test("an output path naming a folder is refused before the input is read")
    func folderOutput() throws {
        let dir = try sumDir()
        for path in ["newdir/", ".", ""] {
            let result = try dir.nnpipe("run", "p.yaml", "--output", path)
            #expect(result.status == 73, "\(path): \(result.stderr)")
            #expect(result.stderr.contains("0 rows read"), "\(result.stderr)")
        }
        #expect(!dir.exists("newdir"))
    }

    @Test("an output stream shares its stream with no rejects, stats or metrics (64); those may share one with each other",
          arguments: [["--on-error", "reject", "--rejects", "-"], ["--stats-json", "-"], ["--metrics-textfile", "/dev/stdout"],
                      ["--stats-json", "/proc/self/fd/1"]])
    func outputStreamSharesNothing(_ other: [String]) throws {
        let dir = try sumDir()
        try dir.write("in.csv", "id,x1,x2\n1,1,2\n2,x,3\n")
        let result = try dir.nnpipe(within: 60, arguments: ["run", "p.yaml", "--output", "-"] + other)
        #expect(result.status == 64, "\(other): \(result.stderr)")
        #expect(result.stderr.contains("nnpipe: \(other[other.count - 2]) \(other[other.count - 1]) is the same file as --output -: the output's rows would be mixed with other lines in one stream; choose another path"),
                "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdoutText)")
        let apart = try dir.nnpipe(within: 60, "run", "p.yaml", "--on-error", "reject", "--rejects", "/dev/stderr", "--stats-json", "/dev/stderr")
        #expect(apart.status == 0, "\(apart.stderr)")
    }
}

/// Whether the tests can make a private mount namespace with a /dev of their own (root, and
/// `unshare -m` allowed); probed once.
enum PrivateDev {
    static let available: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let probe = (try? Shell.run("unshare -m sh -c 'mount -t tmpfs nnpipe-probe /dev && echo ok' 2>/dev/null",
                                    in: FileManager.default.temporaryDirectory)) ?? Data()
        return String(decoding: probe, as: UTF8.self).contains("ok")
    }()
}
