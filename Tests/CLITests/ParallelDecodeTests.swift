import Foundation
import Testing

/// The 15,000-row CSV that Tests/Fixtures/parallel/make.py compressed with bgzip and pzstd.
private let parallelFixtureRows = "id,x1,x2\n" + (0..<15_000).map { "r\($0),\($0),\($0 % 7)\n" }.joined()

private let parallelFixtureCases: [CompressedFixtureCase] = [
    CompressedFixtureCase(file: "bgzip.csv.gz"),
    CompressedFixtureCase(file: "bgzip-zero-padded.csv.gz"),
    CompressedFixtureCase(file: "pzstd.csv.zst"),
    CompressedFixtureCase(file: "bgzip-corrupt.csv.gz", status: 65, words: ["corrupt gzip data"]),
    CompressedFixtureCase(file: "bgzip-crc.csv.gz", status: 65, words: ["corrupt gzip data (CRC mismatch)"]),
    CompressedFixtureCase(file: "bgzip-truncated.csv.gz", status: 65,
                          words: ["(byte 52389): truncated gzip file: the stream ends inside a member"]),
    CompressedFixtureCase(file: "bgzip-trailing-garbage.csv.gz", status: 65,
                          words: ["7 bytes after the end of the gzip data at byte offset 59683"]),
]

/// Inputs whose members or frames are found without decoding (bgzip's BGZF, nnpipe's own gzip
/// and zstd output, pzstd) are decoded on several threads; the rows, the errors and their byte
/// offsets are those of one decoder. nnpipe's gzip output is BGZF, so the next nnpipe in a chain,
/// bgzip and rapidgzip can do the same.
@Suite("Compressed inputs decoded on several threads; gzip output in BGZF's shape")
struct ParallelDecodeTests {
    /// The output of the sum pipeline over the fixtures' CSV, from the plain file.
    static func plainOutput(_ dir: WorkDir) throws -> String {
        try dir.write("plain.csv", parallelFixtureRows)
        let result = try dir.nnpipe(within: 60, "run", "p.yaml", "--input", "plain.csv", "--output", "-", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText
    }

    @Test("bgzip's and pzstd's files, and damaged copies: the plain file's rows, or one error line",
          arguments: parallelFixtureCases)
    func fixture(_ c: CompressedFixtureCase) throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "plain.csv", output: "-")
        let rows = try Self.plainOutput(dir)
        try dir.write(c.file, try Data(contentsOf: CLI.fixture("parallel/\(c.file)")))
        // Under ThreadSanitizer 3 workers alone: the parts decode on the pool at either count.
        for workers in runsSanitized ? ["3"] : ["1", "3"] {
            let result = try dir.nnpipe(within: 60, "run", "p.yaml", "--input", c.file, "--workers", workers, "--quiet")
            c.expect(result, "\(c.file), \(workers) workers", rows: rows)
        }
    }

    /// The members of a gzip file, each checked to carry BGZF's size field; nil when one does not.
    static func bgzfMembers(_ data: [UInt8]) -> [ArraySlice<UInt8>]? {
        var members: [ArraySlice<UInt8>] = []
        var at = 0
        while at < data.count {
            guard data.count - at >= 28, data[at] == 0x1F, data[at + 1] == 0x8B, data[at + 3] & 0x04 != 0,
                  data[at + 10] == 6, data[at + 12] == 0x42, data[at + 13] == 0x43 else { return nil }
            let size = (Int(data[at + 16]) | Int(data[at + 17]) << 8) + 1
            guard at + size <= data.count else { return nil }
            members.append(data[at..<(at + size)])
            at += size
        }
        return members
    }

    @Test("gzip output: BGZF members with the size field and the end-of-file marker, read by gzip and bgzip",
          .bounded(minutes: 5))
    func bgzfOutput() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "plain.csv", output: "-")
        let rows = try Self.plainOutput(dir)
        for level in ["1", "6"] {
            let run = try dir.nnpipe(within: 60, "run", "p.yaml", "--input", "plain.csv", "--output", "out.csv.gz",
                                     "--set", "write.gzip_level=\(level)", "--quiet")
            #expect(run.status == 0, "\(run.stderr)")
            let data = [UInt8](try dir.read("out.csv.gz"))
            let members = Self.bgzfMembers(data)
            #expect(members != nil, "level \(level): a member without BGZF's size field")
            guard let members else { continue }
            #expect(members.count >= 4, "level \(level): \(members.count) members for \(rows.utf8.count) bytes of text")
            #expect(Array(members.last ?? []) == [0x1F, 0x8B, 8, 4, 0, 0, 0, 0, 0, 0xFF, 6, 0, 0x42, 0x43, 2, 0, 0x1B, 0,
                                                  3, 0, 0, 0, 0, 0, 0, 0, 0, 0], "level \(level): no end-of-file marker")
            // Each member inflates to at most 64 KiB (ISIZE, its last four bytes), as BGZF requires.
            #expect(members.allSatisfy { Int($0[$0.endIndex - 4]) | Int($0[$0.endIndex - 3]) << 8 | Int($0[$0.endIndex - 2]) << 16 <= 0x10000 })
            #expect(String(decoding: try Shell.run("gzip -dc out.csv.gz", in: dir.url), as: UTF8.self) == rows)
            guard (try? Shell.run("command -v bgzip", in: dir.url))?.isEmpty == false else { continue }
            let checked = try Shell.run("bgzip -t out.csv.gz 2>&1 && echo ok", in: dir.url)
            #expect(String(decoding: checked, as: UTF8.self) == "ok\n", "bgzip -t: no warning, no error")
            #expect(String(decoding: try Shell.run("bgzip -d -@ 2 -c out.csv.gz", in: dir.url), as: UTF8.self) == rows)
        }
    }

    @Test("a chain: nnpipe's gzip and zstd output read back by nnpipe in parallel gives the same rows",
          .bounded(minutes: 5))
    func chained() throws {
        let dir = try WorkDir()
        // 300,000 rows: several parts of 512 KiB in flight.
        try dir.write("big.csv", "id,x1,x2\n" + (0..<300_000).map { "r\($0),\($0 % 1000).25,\($0 % 13)\n" }.joined())
        try dir.write("m.json", sumModel)
        try dir.write("echo.yaml", pipelineYAML(input: "big.csv", model: "m.json", features: ["x1", "x2"], output: "-"))
        let plain = try dir.nnpipe(within: 60, "run", "echo.yaml", "--quiet")
        #expect(plain.status == 0, "\(plain.stderr)")
        try dir.write("plain-out.csv", plain.stdout)
        try dir.write("id2.json", #"{"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "identity"}]}"#)
        let direct = try dir.nnpipe(within: 60, "run", "--model", "id2.json", "--features", "y0,y1", "--carry", "id",
                                    "--output", "-", "--quiet", "plain-out.csv")
        #expect(direct.status == 0, "\(direct.stderr)")
        for name in ["out.csv.gz", "out.csv.zst"] {
            // The sum model's output holds y0 and y1: read it back with an identity of both.
            let write = try dir.nnpipe(within: 60, "run", "echo.yaml", "--output", name, "--quiet")
            #expect(write.status == 0, "\(write.stderr)")
            for workers in runsSanitized ? ["2", "5"] : ["1", "2", "5"] {
                let back = try dir.nnpipe(within: 60, "run", "--model", "id2.json", "--features", "y0,y1", "--carry", "id",
                                          "--workers", workers, "--output", "-", "--quiet", name)
                #expect(back.status == 0, "\(name): \(back.stderr)")
                expectSameBytes(back.stdout, direct.stdout, "\(name), \(workers) workers: not the rows of the plain output")
            }
        }
    }

}

/// `execution.parallel_gzip`: a gzip file of one member inflated on the workers' threads gives
/// one decoder's rows, and one decoder's error for a damaged copy.
@Suite("One gzip member on several threads, through the binary")
struct ParallelGzipTests {
    /// `in.csv.gz` in `dir`, gzip -1 of `rows` rows of varied numbers (700,000: about 22 MB of
    /// text, 10 MB compressed), and a model of x1, x2 (`m.json`).
    static func makeInput(_ dir: WorkDir, seed: Int, rows: Int = 700_000) throws {
        try Shell.run(#"awk 'BEGIN { srand("# + "\(seed)" + #"); print "id,x1,x2"; for (i = 1; i <= "# + "\(rows)" + #"; i++) printf "%d,%.9f,%.6f\n", i, rand() * 1000 - 500, rand() }' | gzip -1 > in.csv.gz"#, in: dir.url)
        try dir.write("m.json", #"{"layers": [{"weights": [[1, 0.5], [-2, 0.25]], "bias": [0.5, -1], "activation": "tanh"}]}"#)
    }

    @Test("a 10 MiB gzip -1 file: the same output with and without parallel_gzip; a damaged copy fails alike",
          .bounded(minutes: 5))
    func sameRowsAndErrors() throws {
        let dir = try WorkDir()
        try Self.makeInput(dir, seed: 3)
        let size = try FileManager.default.attributesOfItem(atPath: dir.path("in.csv.gz"))[.size] as? Int ?? 0
        try #require(size > 8 << 20, "the input must span at least 16 regions: \(size) bytes")
        let arguments = ["run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "--workers", "2"]
        let one = try CLI.run(arguments + ["-o", "one.csv", "in.csv.gz"], in: dir.url)
        #expect(one.status == 0, "\(one.stderr)")
        let parallel = try CLI.run(arguments + ["--set", "execution.parallel_gzip=true", "--log-level", "debug", "-o", "parallel.csv", "in.csv.gz"],
                                   in: dir.url)
        #expect(parallel.status == 0, "\(parallel.stderr)")
        try expectSameBytes(dir.read("parallel.csv"), dir.read("one.csv"))
        #expect(try dir.read("one.csv").count > 10_000_000)
        // The debug line says how the file was inflated: by the reading thread (ISA-L, the first
        // region at least) and the pool's regions joined; none inflated again.
        // (No thread of the pool where SCHED_IDLE could not be undone: see idleNeedsLeave.)
        let inParts = #/in.csv.gz: inflated in (\d+) regions: (\d+) on the reading thread, (\d+) on (?:1 thread|0 threads) of the pool \(when idle\) and joined at their guessed start, 0 inflated again/#
        if ProcessInfo.processInfo.activeProcessorCount >= 2 {
            let figures = try #require(parallel.stderr.firstMatch(of: inParts), "\(parallel.stderr)")
            let (regions, here, joined) = (Int(figures.output.1)!, Int(figures.output.2)!, Int(figures.output.3)!)
            #expect(here >= 1 && here + joined <= regions && here + joined >= regions / 2, "\(parallel.stderr)")
        }
        // Not set: in parts from four workers on as many processors; false: one decoder.
        for (setting, workers) in [(nil, 4), ("false", 4)] as [(String?, Int)] {
            var options = ["run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "--workers", "\(workers)", "--log-level", "debug"]
            if let setting { options += ["--set", "execution.parallel_gzip=\(setting)"] }
            let run = try CLI.run(options + ["-o", "auto.csv", "in.csv.gz"], in: dir.url)
            #expect(run.status == 0, "\(run.stderr)")
            try expectSameBytes(dir.read("auto.csv"), dir.read("one.csv"))
            let expected = setting == nil && ProcessInfo.processInfo.activeProcessorCount >= 4
            #expect(run.stderr.contains("joined at their guessed start") == expected, "\(setting ?? "not set"): \(run.stderr)")
        }
        // A byte changed two thirds in: both fail with the same message, and write nothing.
        var damaged = try dir.read("in.csv.gz")
        let at = damaged.count * 2 / 3
        damaged[at] ^= 0x5A
        try dir.write("bad.csv.gz", damaged)
        let oneBad = try CLI.run(arguments + ["-o", "one-bad.csv", "bad.csv.gz"], in: dir.url)
        let parallelBad = try CLI.run(arguments + ["--set", "execution.parallel_gzip=true", "-o", "parallel-bad.csv", "bad.csv.gz"], in: dir.url)
        #expect(oneBad.status != 0)
        #expect(parallelBad.status == oneBad.status, "\(parallelBad.stderr)")
        let message = { (stderr: String) in stderr.split(separator: "\n").first { $0.contains("bad.csv.gz") }.map(String.init) ?? stderr }
        #expect(message(parallelBad.stderr) == message(oneBad.stderr), "\(parallelBad.stderr) against \(oneBad.stderr)")
        #expect(!dir.exists("one-bad.csv") && !dir.exists("parallel-bad.csv"))

        // `cat in.csv.gz more.gz`: after the first member's trailer the second is read from its
        // header on (the first is not inflated again); the same rows as one decoder, and with the
        // second member damaged the same error.
        try Shell.run("gzip -dc in.csv.gz | tail -n +2 | gzip -6 > more.gz && cat in.csv.gz more.gz > two.csv.gz", in: dir.url)
        let two = try CLI.run(arguments + ["-o", "two-one.csv", "two.csv.gz"], in: dir.url)
        let twoParallel = try CLI.run(arguments + ["--set", "execution.parallel_gzip=true", "--log-level", "debug", "-o", "two-parallel.csv", "two.csv.gz"],
                                      in: dir.url)
        #expect(two.status == 0 && twoParallel.status == 0, "\(two.stderr)\n\(twoParallel.stderr)")
        try expectSameBytes(dir.read("two-parallel.csv"), dir.read("two-one.csv"))
        // The second member is read in regions too where it is long enough (16 regions), else by one decoder.
        #expect(twoParallel.stderr.contains("the next member, from byte offset \(size), in regions too")
                    || twoParallel.stderr.contains("the members after it, from byte offset \(size), by one decoder"), "\(twoParallel.stderr)")
        #expect(!twoParallel.stderr.contains("by one decoder from"), "\(twoParallel.stderr)")
        var secondDamaged = try dir.read("two.csv.gz")
        secondDamaged[size + (secondDamaged.count - size) / 2] ^= 0x5A
        try dir.write("two-bad.csv.gz", secondDamaged)
        let twoBad = try CLI.run(arguments + ["-o", "two-bad-one.csv", "two-bad.csv.gz"], in: dir.url)
        let twoBadParallel = try CLI.run(arguments + ["--set", "execution.parallel_gzip=true", "-o", "two-bad-parallel.csv", "two-bad.csv.gz"], in: dir.url)
        #expect(twoBad.status != 0 && twoBadParallel.status == twoBad.status, "\(twoBadParallel.stderr)")
        #expect(message(twoBadParallel.stderr) == message(twoBad.stderr), "\(twoBadParallel.stderr) against \(twoBad.stderr)")
    }

    @Test("without leave to undo SCHED_IDLE (no CAP_SYS_NICE, RLIMIT_NICE 0), 2 workers inflate on the reading thread alone; with CAP_SYS_NICE (or RLIMIT_NICE 20) the pool has its thread; the same bytes",
          .bounded(minutes: 5))
    func idleNeedsLeave() throws {
        let dir = try WorkDir()
        try Self.makeInput(dir, seed: 7)
        let arguments = ["run", "--model", "m.json", "--features", "x1,x2", "--carry", "id", "--workers", "2", "--log-level", "debug"]
        let one = try CLI.run(arguments + ["--set", "execution.parallel_gzip=false", "-o", "one.csv", "in.csv.gz"], in: dir.url)
        #expect(one.status == 0, "\(one.stderr)")
        // setpriv drops CAP_SYS_NICE (it needs to be root to); prlimit sets RLIMIT_NICE. Without
        // both, no pool thread; with either (the documented leave: CAP_SYS_NICE, or `ulimit -e`
        // of 20), the pool has its thread. A case this machine cannot set up is said and skipped.
        let status = String(decoding: try Shell.run("cat /proc/self/status", in: dir.url), as: UTF8.self)
        let capabilities = status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }
            .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
        let sysNice = capabilities >> 23 & 1 == 1
        let drop = "setpriv --bounding-set -sys_nice --inh-caps -sys_nice"
        for (wrapper, pool) in [("\(drop) prlimit --nice=0 --", "on 0 threads of the pool (when idle)"),
                                ("prlimit --nice=0 --", sysNice ? "on 1 thread of the pool (when idle)" : "on 0 threads of the pool (when idle)"),
                                ("\(drop) prlimit --nice=20 --", "on 1 thread of the pool (when idle)")] {
            guard String(decoding: try Shell.run("\(wrapper) true 2>/dev/null && echo usable", in: dir.url), as: UTF8.self).contains("usable") else {
                print("\(wrapper): cannot be set up here, not checked")
                continue
            }
            // Bounded: a run that waited forever would otherwise hold the test (GNU timeout ends it, 124).
            let command = (["timeout", "120", wrapper, CLI.binary.path] + arguments + ["--set", "execution.parallel_gzip=true", "-o", "parallel.csv", "in.csv.gz"])
                .joined(separator: " ")
            try Shell.run("\(command) 2> stderr.txt; echo $? > status.txt", in: dir.url)
            let stderr = String(decoding: try dir.read("stderr.txt"), as: UTF8.self)
            #expect(String(decoding: try dir.read("status.txt"), as: UTF8.self) == "0\n", "\(wrapper): \(stderr)")
            #expect(stderr.contains(pool), "\(wrapper): \(stderr)")
            try expectSameBytes(dir.read("parallel.csv"), dir.read("one.csv"))
        }
    }

    @Test("a run inflating a gzip member in regions, killed after a chunk, resumes to the same bytes",
          .bounded(minutes: 5))
    func killedAndResumed() throws {
        let dir = try WorkDir()
        // 600,000 rows: about 9 MB as gzip -1, 17 regions.
        try Self.makeInput(dir, seed: 5, rows: 600_000)
        let size = try FileManager.default.attributesOfItem(atPath: dir.path("in.csv.gz"))[.size] as? Int ?? 0
        try #require(size > 8 << 20, "the input must span at least 16 regions: \(size) bytes")
        try dir.write("p.yaml", """
            stages:
              - read:
                  path: in.csv.gz
                  features: [x1, x2]
                  carry: [id]
              - forward:
                  model: m.json
              - write:
                  path: out.csv.gz
            execution:
              chunk_rows: 20000
              workers: 2
              parallel_gzip: true
              journal_interval: 0
            """)
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv.gz", "--log-level", "debug"])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(reference.stderr.contains("joined at their guessed start"), "\(reference.stderr)")
        for chunks in [2, 13, 27] {
            let run = try dir.killWhen(".out.csv.gz.nnpipe-journal", reaches: chunks, ["run", "p.yaml"])
            #expect(run.killed && run.exact, "after chunk \(chunks): \(run.description): \(run.stderr)")
            let resumed = try dir.bounded(["run", "p.yaml", "--resume"])
            #expect(resumed.status == 0, "after chunk \(chunks): \(resumed.stderr)")
            try expectSameBytes(dir.read("out.csv.gz"), dir.read("ref.csv.gz"), "after chunk \(chunks): the output differs")
            #expect(try dir.listing().filter { $0.contains(".nnpipe-") } == [], "after chunk \(chunks)")
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent("out.csv.gz"))
        }
    }
}
