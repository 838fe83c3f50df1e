import Foundation
import Testing

@Suite("zstd output: one frame per chunk, read by zstd -d and by nnpipe itself")
struct OutputFormatZstdTests {
    /// Whether the `zstd` command is installed (scripts/setup.sh installs it).
    static let hasZstd = (try? Shell.run("command -v zstd", in: URL(fileURLWithPath: "/")))?.isEmpty == false

    /// 20,000 rows in chunks of 1,000 on 2 workers: a file of 21 frames (the header's and one per chunk).
    func makeRun() throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\n" + (0..<20_000).map { "r\($0),\($0).25,-\($0 % 7)\n" }.joined())
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv.zst",
                                 execution: "execution:\n  chunk_rows: 1000\n  workers: 2")
        return dir
    }

    @Test("a path ending in .zst is zstd: zstd -dc gives the plain output, and nnpipe reads it back")
    func roundTrip() throws {
        let dir = try makeRun()
        let zstd = try dir.nnpipe(within: 30, "run", "p.yaml", "--quiet")
        #expect(zstd.status == 0, "\(zstd.stderr)")
        let plain = try dir.nnpipe(within: 30, "run", "p.yaml", "--output", "plain.csv", "--quiet")
        #expect(plain.status == 0, "\(plain.stderr)")
        let bytes = try dir.read("out.csv.zst")
        #expect(bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]))
        if Self.hasZstd {
            try Shell.run("zstd -q -d -c out.csv.zst > unpacked.csv && zstd -q -t out.csv.zst", in: dir.url)
            try expectSameBytes(dir.read("unpacked.csv"), dir.read("plain.csv"))
        }
        // Read back: the outputs' y0, y1 through the sum model, from the .zst and from the plain file.
        try dir.write("back.yaml", pipelineYAML(input: "out.csv.zst", model: "m.json", features: ["y0", "y1"], output: "-"))
        let fromZstd = try dir.nnpipe(within: 30, "run", "back.yaml", "--quiet")
        let fromPlain = try dir.nnpipe(within: 30, "run", "back.yaml", "--input", "plain.csv", "--quiet")
        #expect(fromZstd.status == 0, "\(fromZstd.stderr)")
        #expect(fromZstd.stdout.count > 100_000)
        expectSameBytes(fromZstd.stdout, fromPlain.stdout)
    }

    @Test("output is byte-identical across worker counts; compression: zstd and zstd_level apply to any name")
    func settings() throws {
        let dir = try makeRun()
        #expect(try dir.nnpipe(within: 30, "run", "p.yaml", "--quiet").status == 0)
        let one = try dir.read("out.csv.zst")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv.zst",
                                 execution: "execution:\n  chunk_rows: 1000\n  workers: 1")
        #expect(try dir.nnpipe(within: 30, "run", "p.yaml", "--quiet").status == 0)
        try expectSameBytes(dir.read("out.csv.zst"), one)
        try dir.writeSumPipeline(input: "in.csv", output: "out.bin", extraWrite: "      compression: zstd\n      zstd_level: 19",
                                 execution: "execution:\n  chunk_rows: 1000")
        #expect(try dir.nnpipe(within: 30, "run", "p.yaml", "--quiet").status == 0)
        let level19 = try dir.read("out.bin")
        #expect(level19.starts(with: [0x28, 0xB5, 0x2F, 0xFD]))
        #expect(level19.count < one.count)
        let validate = try dir.nnpipe(within: 30, "validate", "p.yaml")
        #expect(validate.stdoutText.contains("out.bin, zstd level 19"), "\(validate.stdoutText)")
        if Self.hasZstd {
            try Shell.run("zstd -q -d -c out.bin > a.csv && zstd -q -d -c out.csv.zst > b.csv", in: dir.url)
            try expectSameBytes(dir.read("a.csv"), dir.read("b.csv"))
        }
    }

    @Test("a rejects file named .zst is zstd too")
    func rejects() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,x,4\nc,3,4\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv.zst",
                                 execution: "errors:\n  policy: reject\n  rejects: rej.csv.zst")
        let result = try dir.nnpipe(within: 30, "run", "p.yaml", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.read("rej.csv.zst").starts(with: [0x28, 0xB5, 0x2F, 0xFD]))
        try dir.write("cat.yaml", pipelineYAML(input: "out.csv.zst", model: "m.json", features: ["y0", "y1"], output: "-"))
        #expect(try dir.nnpipe(within: 30, "run", "cat.yaml", "--quiet").stdoutText == "id,y0,y1\na,7.0,5.0\nc,17.0,11.0\n")
        if Self.hasZstd {
            let text = String(decoding: try Shell.run("zstd -q -d -c rej.csv.zst", in: dir.url), as: UTF8.self)
            #expect(text.hasPrefix("line,reason,record\n3,"), "\(text)")
        }
    }
}
