import Foundation
import Glibc
import Testing

/// Two runs writing the same output: the second stops with status 75 naming the first, or waits
/// for it with --wait-lock; a killed holder blocks nobody; no lock file stays after a run.
@Suite("One run at a time writes an output")
struct OutputLockTests {
    /// Starts `nnpipe run p.yaml` reading rows from a pipe (kept open, so the run holds its output's
    /// lock until the pipe closes); returns the process and the pipe.
    static func holder(_ dir: WorkDir) throws -> (Process, Pipe) {
        let input = Pipe()
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "p.yaml", "--input", "-", "--quiet"]
        process.currentDirectoryURL = dir.url
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("id,x1,x2\na,1,2\n".utf8))
        // The lock file holds the process id once the lock is taken.
        let locked = try poll(seconds: 120) {
            (try? dir.text(".out.csv.nnpipe-lock")) == "\(process.processIdentifier)\n"
        }
        #expect(locked, "the first run took no lock")
        return (process, input)
    }

    @Test("a second run stops with 75 naming the first; it runs once the first is done", .bounded(minutes: 5))
    func secondRunStops() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("in.csv", "id,x1,x2\nb,3,4\n")
        let (first, input) = try Self.holder(dir)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        let second = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("out.csv: another nnpipe (process \(first.processIdentifier)) is writing this output; run again when it is done, or give --wait-lock SECONDS to wait for it"),
                "\(second.stderr)")
        #expect(errorLines(second.stderr).count == 1)
        try input.fileHandleForWriting.close()
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try dir.text("out.csv") == "id,y0,y1\na,5.0,1.0\n", "the second run touched the first one's output")
        let third = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\nb,11.0,3.0\n")
        let left = try dir.listing()
        #expect(!dir.exists(".out.csv.nnpipe-lock"), "a lock file stayed: \(left)")
    }

    @Test("--wait-lock waits for the first run, then writes", .bounded(minutes: 5))
    func waitLock() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("in.csv", "id,x1,x2\nb,3,4\n")
        let (first, input) = try Self.holder(dir)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        // The first run ends a second after the second one starts waiting.
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { try? input.fileHandleForWriting.close() }
        let second = try dir.nnpipe(within: 120, "run", "p.yaml", "--wait-lock", "20")
        #expect(second.status == 0, "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try dir.text("out.csv") == "id,y0,y1\nb,11.0,3.0\n")
        let tooShort = try dir.nnpipe(within: 120, "run", "p.yaml", "--wait-lock", "nan")
        #expect(tooShort.status == 64, "\(tooShort.stderr)")
    }

    @Test("a killed holder blocks nobody", .bounded(minutes: 5))
    func killedHolder() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("in.csv", "id,x1,x2\nb,3,4\n")
        let (first, _) = try Self.holder(dir)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(dir.exists(".out.csv.nnpipe-lock"), "the killed run's lock file is the case under test")
        let second = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\nb,11.0,3.0\n")
        #expect(!dir.exists(".out.csv.nnpipe-lock"))
    }

    @Test("a link at the lock file's name (to the model, symbolic or hard) is refused (73), the linked file untouched",
          arguments: ["symbolic", "hard"])
    func linkedLockFile(_ kind: String) throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("in.csv", "id,x1,x2\nb,3,4\n")
        let model = try dir.read("m.json")
        if kind == "symbolic" {
            try FileManager.default.createSymbolicLink(atPath: dir.path(".out.csv.nnpipe-lock"), withDestinationPath: "m.json")
        } else {
            try FileManager.default.linkItem(atPath: dir.path("m.json"), toPath: dir.path(".out.csv.nnpipe-lock"))
        }
        let result = try dir.nnpipe(within: 120, "run", "p.yaml")
        #expect(result.status == 73, "\(result.stderr)")
        let what = kind == "symbolic" ? "a symbolic link" : "a file with other names (a hard link)"
        #expect(result.stderr.contains("out.csv: the lock file \(dir.path(".out.csv.nnpipe-lock")) is \(what), not a file of nnpipe's own; remove it and run again (it was left alone)"),
                "\(result.stderr)")
        try expectSameBytes(dir.read("m.json"), model)
        #expect(!dir.exists("out.csv"))
    }
}
