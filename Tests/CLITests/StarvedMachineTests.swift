import Foundation
import Glibc
import Testing

/// Issue 14: resource limits, closed streams, leftover temporary files and outputs that cannot be
/// made. Each run goes through bash under `timeout`, so a hang fails the test instead of hanging CI.
@Suite("Starved machines: resource limits and closed streams end with the real reason")
struct StarvedMachineTests {
    /// Runs `script` with bash in `dir` (nnpipe is `$NNPIPE`); returns its stdout.
    func bash(_ script: String, in dir: WorkDir) throws -> String {
        String(decoding: try Shell.run("NNPIPE=\(shellQuoted(CLI.binary.path)); " + script, in: dir.url), as: UTF8.self)
    }

    func sumDir() throws -> WorkDir {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 20000)
        try dir.writeSumPipeline(input: "big.csv", output: "out.csv")
        return dir
    }

    /// Sanitizers reserve terabytes of address space: a virtual memory limit stops them first.
    @Test("a low virtual memory limit never hangs: done, or 70/71 with the limit named, and no file left",
          .enabled(if: ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] == nil),
          arguments: [100_000, 130_000, 400_000])
    func virtualMemoryLimit(kilobytes: Int) throws {
        let dir = try sumDir()
        let out = try bash("(ulimit -v \(kilobytes); timeout -k 5 60 \"$NNPIPE\" run p.yaml 2> err.txt); echo \"status $?\"", in: dir)
        let status = Int(out.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        let stderr = try dir.text("err.txt")
        #expect([0, 70, 71].contains(status), "status \(status) under ulimit -v \(kilobytes): \(stderr)")
        if status == 71 { #expect(stderr.contains("ulimit -v"), "\(stderr)") }
        if status != 0 { #expect(!dir.exists("out.csv")) }
        #expect(temporaryFiles(try dir.listing()).isEmpty)
    }

    @Test("an npz that inflates past the virtual memory limit: run, validate and inspect all end with 70 naming the limit, no crash",
          .enabled(if: ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] == nil), .bounded(minutes: 3))
    func modelPastTheMemoryLimit() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        // W0.npy: a (2, 93750000) float64 array of zeros, 1.5 GB inflated, about 1.5 MB deflated.
        try dir.write("make.py", """
            import struct, zipfile
            n = 93750000
            header = ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, %d), }" % n).encode()
            header += b" " * ((-(10 + len(header) + 1)) % 64) + b"\\n"
            with zipfile.ZipFile("big.npz", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                with archive.open("W0.npy", "w", force_zip64=True) as member:
                    member.write(b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(header)) + header)
                    for _ in range(2 * n * 8 // (1 << 24)):
                        member.write(bytes(1 << 24))
                    member.write(bytes(2 * n * 8 % (1 << 24)))
            """)
        try Shell.run("python3 make.py", in: dir.url)
        try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: "big.npz\n      activations: [identity]", features: ["x1", "x2"], output: "out.csv"))
        for command in ["run p.yaml", "validate p.yaml", "inspect big.npz"] {
            let out = try bash("(ulimit -v 1000000; timeout -k 5 60 \"$NNPIPE\" \(command) 2> err.txt); echo \"status $?\"", in: dir)
            let stderr = try dir.text("err.txt")
            #expect(out.hasSuffix("status 70\n"), "\(command): \(out) \(stderr)")
            #expect(stderr.contains("big.npz: ZIP member 'W0.npy' needs 1500000128 bytes of memory, more than the address-space limit (ulimit -v 1000000 KiB) leaves"),
                    "\(command): \(stderr)")
            #expect(!stderr.contains("Fatal error") && !stderr.contains("Backtrace"), "\(command): \(stderr)")
        }
        #expect(!dir.exists("out.csv"))
    }

    @Test("too few open files (ulimit -n) is status 71 naming the limit", arguments: [4, 8])
    func openFileLimit(files: Int) throws {
        let dir = try sumDir()
        let out = try bash("(ulimit -n \(files); timeout -k 5 60 \"$NNPIPE\" run p.yaml 2> err.txt); echo \"status $?\"", in: dir)
        let stderr = try dir.text("err.txt")
        #expect(out.contains("status 71"), "\(out) \(stderr)")
        #expect(stderr.contains("the limit (ulimit -n) is \(files)"))
    }

    /// Outputs under a file-size limit: a plain file, gzip, with rejects, with --resume (its
    /// journal), each at a limit met by the first write (4 KiB) or part way (64 KiB).
    static let fileSizeCases: [(blocks: Int, arguments: String)] = [
        (4, ""), (64, ""), (4, "--set write.path=out.csv.gz"), (4, "--on-error reject --rejects rejects.csv"),
        (4, "--resume"), (64, "--resume --workers 1"),
    ]

    // Not under a sanitizer: its runtime's own files and mappings meet the limit first (the plain
    // run of the suite covers these).
    @Test("a file-size limit (ulimit -f) is status 74 with one clear line, no temporary file, the earlier output intact",
          .enabled(if: ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] == nil),
          arguments: 0..<fileSizeCases.count)
    func fileSizeLimit(_ index: Int) throws {
        let (blocks, arguments) = Self.fileSizeCases[index]
        let dir = try sumDir()
        try dir.write("out.csv", "id,y0,y1\nearlier\n")
        try dir.write("out.csv.gz", "earlier")
        // SIGXFSZ's default action restored for nnpipe (the test runner may ignore it, and an
        // ignored signal stays ignored through exec): nnpipe itself must ignore it.
        let out = try bash("(ulimit -f \(blocks); exec timeout -k 5 60 env --default-signal=XFSZ \"$NNPIPE\" run p.yaml \(arguments) 2> err.txt); echo \"status $?\"",
                           in: dir)
        let stderr = try dir.text("err.txt")
        #expect(out.contains("status 74"), "ulimit -f \(blocks) \(arguments): \(out) \(stderr)")
        #expect(errorLines(stderr).contains { $0.hasSuffix("write failed: File too large (past the file-size limit, ulimit -f, or the file system's largest file)") },
                "\(stderr)")
        #expect(try dir.text("out.csv") == "id,y0,y1\nearlier\n")
        #expect(try dir.text("out.csv.gz") == "earlier")
        #expect(!dir.exists("rejects.csv"))
        let listing = try dir.listing()
        #expect(temporaryFiles(listing).isEmpty, "\(listing)")
    }

    @Test("a journal header past the file-size limit (120 inputs): the run ends 74 when its output is too, else succeeds; no file left",
          .enabled(if: ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] == nil),
          arguments: [1, 40])
    func fileSizeLimitOnJournal(rowsPerInput: Int) throws {
        let dir = try WorkDir()
        for index in 1...120 {
            var text = "id,x1,x2\n"
            for row in 0..<rowsPerInput { text += "\(index * 1000 + row),\(row),0.5\n" }
            try dir.write("in/an-input-file-with-a-rather-long-name-\(index).csv", text)
        }
        try dir.writeSumPipeline(input: "in/*.csv", output: "out.csv")
        let out = try bash("(ulimit -f 4; exec timeout -k 5 60 env --default-signal=XFSZ \"$NNPIPE\" run p.yaml 2> err.txt); echo \"status $?\"",
                           in: dir)
        let stderr = try dir.text("err.txt")
        if rowsPerInput == 1 {
            // 120 rows, under 4 KiB: the journal is given up, the run goes on.
            #expect(out.contains("status 0"), "\(out) \(stderr)")
            #expect(try dir.text("out.csv").split(separator: "\n").count == 121)
        } else {
            #expect(out.contains("status 74"), "\(out) \(stderr)")
            #expect(stderr.contains("out.csv: write failed: File too large"), "\(stderr)")
            #expect(!dir.exists("out.csv"))
        }
        let listing = try dir.listing()
        #expect(temporaryFiles(listing).isEmpty, "\(listing)")
    }

    @Test("a stream output that fills up part way (ulimit -f): the summary counts the rows that reached it, and the part of one",
          arguments: ["", "--on-error skip"])
    func streamFilledPartWay(policy: String) throws {
        let dir = try WorkDir()
        // Under skip, every 100th row after the 20000th is bad.
        let bad = policy.isEmpty ? 0 : 1
        try Shell.run(#"awk -v bad=\#(bad) 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 200000; i++) if (bad && i % 100 == 0 && i > 20000) print i ",x,1"; else print i "," (i % 97) / 8 "," (i % 89) / 4 }' > big.csv"#,
                      in: dir.url)
        try dir.writeSumPipeline(input: "big.csv", output: "-")
        let out = try bash("(ulimit -f 1024; timeout -k 5 60 \"$NNPIPE\" run p.yaml \(policy) > streamed.csv 2> err.txt); echo \"status $?\"", in: dir)
        let stderr = try dir.text("err.txt")
        #expect(out.hasSuffix("status 74\n"), "\(out) \(stderr)")
        let streamed = try dir.text("streamed.csv")
        let lines = streamed.split(separator: "\n", omittingEmptySubsequences: false)
        let whole = lines.count - 2  // the header, and the cut row after the last newline
        let lastID = Int(lines[lines.count - 2].prefix { $0 != "," }) ?? -1
        #expect(!streamed.hasSuffix("\n") && whole > 30000, "\(whole) rows")
        let skipped = lastID - whole
        #expect(skipped == (20001..<lastID).filter { bad == 1 && $0 % 100 == 0 }.count, "last id \(lastID), \(whole) rows")
        #expect(stderr.contains("stopped: \(lastID) rows read, \(whole) written, \(skipped) skipped, 0 rejected"), "\(stderr)")
        #expect(stderr.contains("; \(whole) rows and part of the next sent to the output stream before the stop"), "\(stderr)")
    }

    @Test("a closed standard output or input is named as closed")
    func closedStreams() throws {
        let dir = try sumDir()
        let output = try bash("timeout -k 5 60 \"$NNPIPE\" run p.yaml --output - >&- 2> err.txt; echo \"status $?\"", in: dir)
        #expect(output.contains("status 73"), "\(output)")
        #expect(try dir.text("err.txt").contains("--output -: standard output is closed"))
        // --stats-json - with standard output closed: found before any row, not after the output was committed.
        let stats = try bash("timeout -k 5 60 \"$NNPIPE\" run p.yaml --stats-json - >&- 2> err.txt; echo \"status $?\"", in: dir)
        #expect(stats.contains("status 73"), "\(stats)")
        #expect(try dir.text("err.txt").contains("--stats-json -: standard output is closed; give a file, or run with standard output open"))
        #expect(try dir.text("err.txt").contains("0 rows read"))
        #expect(!dir.exists("out.csv"))
        let input = try bash("timeout -k 5 60 \"$NNPIPE\" run p.yaml --input - <&- 2> err.txt; echo \"status $?\"", in: dir)
        #expect(input.contains("status 66"), "\(input)")
        #expect(try dir.text("err.txt").contains("<stdin>: standard input is closed"))
        #expect(!dir.exists("out.csv"))
    }

    @Test("a rejects FIFO whose reader goes away is an error naming it, not a quiet 141")
    func rejectsFIFOClosed() throws {
        let dir = try WorkDir()
        // Every other row is bad: rejects lines keep coming after the reader has gone.
        try Shell.run(#"awk 'BEGIN { print "id,x1,x2"; for (i = 1; i <= 50000; i++) print i "," (i % 2 ? "x" : 1) ",2" }' > big.csv"#, in: dir.url)
        try dir.writeSumPipeline(input: "big.csv", output: "out.csv")
        try dir.write("p.yaml", try dir.text("p.yaml") + "\nerrors: {policy: reject, rejects: rej.fifo}\n")
        #expect(mkfifo(dir.path("rej.fifo"), 0o600) == 0)
        let out = try bash("(head -c 1 < rej.fifo > /dev/null &); timeout -k 5 60 \"$NNPIPE\" run p.yaml 2> err.txt; echo \"status $?\"", in: dir)
        let stderr = try dir.text("err.txt")
        #expect(out.contains("status 74"), "\(out) \(stderr)")
        #expect(stderr.contains("rej.fifo: the reader of this pipe went away"), "\(stderr)")
        #expect(!dir.exists("out.csv"))
    }

    @Test("a stats file that cannot be made stops the run before any row, with nothing created")
    func statsNotCreatable() throws {
        let dir = try sumDir()
        try dir.write("afile", "")
        let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "afile/s.json")
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("--stats-json afile/s.json: cannot create its folder"), "\(result.stderr)")
        #expect(result.stderr.contains("0 rows read"))
        #expect(!dir.exists("out.csv"))
    }

    @Test("a later run removes the temporary files a killed run left, when their process is gone")
    func leftoverTemporaryFiles() throws {
        let dir = try sumDir()
        // A process id that is gone: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let gone = ".out.csv.nnpipe-\(child.processIdentifier)-Ab12Cd"
        let alive = ".out.csv.nnpipe-\(getpid())-Ef34Gh"
        try dir.write(gone, "half an output")
        try dir.write(alive, "another run's output, still being written")
        let result = try dir.nnpipe("run", "p.yaml")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!dir.exists(gone))
        #expect(dir.exists(alive))
    }
}
