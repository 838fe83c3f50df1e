import Foundation
import Testing

let zstdFixtureCases: [CompressedFixtureCase] = [
    CompressedFixtureCase(file: "one-frame.csv.zst"),
    CompressedFixtureCase(file: "three-frames.csv.zst"),
    CompressedFixtureCase(file: "skippable-between.csv.zst"),
    CompressedFixtureCase(file: "skippable-first.csv.zst"),
    CompressedFixtureCase(file: "truncated.csv.zst", status: 65,
                    words: ["(byte 29): truncated zstd file: the stream ends inside a frame"]),
    CompressedFixtureCase(file: "truncated-second-frame.csv.zst", status: 65,
                    words: ["(byte 44): truncated zstd file: the stream ends inside a frame"]),
    CompressedFixtureCase(file: "corrupt-checksum.csv.zst", status: 65,
                    words: ["corrupt zstd data (Restored data doesn't match checksum, zstd error 22)"]),
    CompressedFixtureCase(file: "corrupt-header.csv.zst", status: 65,
                    words: ["corrupt zstd data (Unsupported frame parameter, zstd error 14)"]),
    CompressedFixtureCase(file: "trailing-garbage.csv.zst", status: 65,
                    words: ["corrupt zstd data (Unknown frame descriptor, zstd error 10)"]),
]

@Suite("zstd input, by content: several frames, skippable frames, cut-off and corrupt files")
struct InputFormatZstdTests {
    static let rows = "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n"

    @Test("each fixture named .zst, named otherwise and on standard input", arguments: zstdFixtureCases)
    func fixture(_ c: CompressedFixtureCase) throws {
        let dir = try WorkDir()
        let data = try Data(contentsOf: CLI.fixture("zstd/\(c.file)"))
        try dir.write("in.csv.zst", data)
        try dir.write("in.bin", data)
        try dir.write("in.csv.gz", data)
        try dir.writeSumPipeline(input: "in.csv.zst", output: "-")
        let runs = [try dir.nnpipe(within: 20, "run", "p.yaml", "--quiet"),
                    try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "in.bin", "--quiet"),
                    try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "in.csv.gz", "--quiet"),
                    try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "-", "--quiet",
                                   stdin: dir.url.appendingPathComponent("in.bin"))]
        for (index, result) in runs.enumerated() { c.expect(result, "run \(index + 1)", rows: Self.rows) }
    }

    @Test("many frames from the zstd command, cut into odd pieces on standard input, read whole")
    func manyFrames() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\n" + (0..<20_000).map { "r\($0),\($0),1\n" }.joined())
        try dir.writeSumPipeline(input: "in.csv", output: "plain.csv")
        #expect(try dir.nnpipe(within: 30, "run", "p.yaml", "--quiet").status == 0)
        guard (try? Shell.run("command -v zstd", in: dir.url))?.isEmpty == false else { return }
        try Shell.run("split -l 3000 in.csv part- && for p in part-*; do zstd -q -c $p; done > in.csv.zst", in: dir.url)
        let file = try dir.nnpipe(within: 30, "run", "p.yaml", "--input", "in.csv.zst", "--output", "a.csv", "--quiet")
        #expect(file.status == 0, "\(file.stderr)")
        try expectSameBytes(dir.read("a.csv"), dir.read("plain.csv"))
        let piped = try dir.nnpipe(within: 30, "run", "p.yaml", "--input", "-", "--output", "b.csv", "--quiet",
                                   stdin: dir.url.appendingPathComponent("in.csv.zst"))
        #expect(piped.status == 0, "\(piped.stderr)")
        try expectSameBytes(dir.read("b.csv"), dir.read("plain.csv"))
    }

    /// Bytes in each refused format: written by Python's standard library where it has the
    /// format, else the format's magic bytes and a little of what follows.
    static let refusedFormats: [(what: String, command: String, python: String?, bytes: [UInt8])] = [
        ("xz-compressed input", "xz -dc", "import lzma as m; out = m.compress(data)", []),
        ("bzip2-compressed input", "bzip2 -dc", "import bz2 as m; out = m.compress(data)", []),
        ("bzip2-compressed input", "bzip2 -dc", "import bz2 as m; out = m.compress(b'')", []),
        ("a zip archive", "unzip -p",
         "import io, zipfile; b = io.BytesIO(); z = zipfile.ZipFile(b, 'w'); z.writestr('in.csv', data); z.close(); out = b.getvalue()", []),
        ("lz4-compressed input", "lz4 -dc", nil, [0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, 0xA7, 0x00, 0x00, 0x00, 0x00]),
        ("compress (.Z) input", "gzip -dc", nil, [0x1F, 0x9D, 0x90, 0x69, 0x64, 0x2C]),
    ]

    @Test("xz, bzip2, zip, lz4 and compress input is refused by content, with the command that feeds it in",
          arguments: 0..<6)
    func refused(_ index: Int) throws {
        let format = Self.refusedFormats[index]
        let dir = try WorkDir()
        try dir.write("raw.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        let bytes: Data
        if let python = format.python {
            bytes = try Shell.run("python3 -c \"import sys; data = open('raw.csv', 'rb').read(); \(python); sys.stdout.buffer.write(out)\"",
                                  in: dir.url)
        } else {
            bytes = Data(format.bytes)
        }
        for name in ["in.data", "in.csv", "in.csv.gz", "my data.csv"] { try dir.write(name, bytes) }
        try dir.writeSumPipeline(input: "in.data", output: "out.csv")
        for name in ["in.data", "in.csv", "in.csv.gz", "my data.csv"] {
            let result = try dir.nnpipe(within: 20, "run", "p.yaml", "--input", name)
            let word = name.contains(" ") ? "'\(name)'" : name
            #expect(result.status == 65, "\(name): \(result.stderr)")
            let message = "nnpipe: \(name): \(format.what) is not read directly; decompress it into nnpipe: "
                + "\(format.command) \(word) | nnpipe run p.yaml --input -"
            #expect(result.stderrLines.first.map(String.init) == message, "\(name)")
            #expect(!dir.exists("out.csv"))
        }
        let piped = try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "-",
                                   stdin: dir.url.appendingPathComponent("in.data"))
        #expect(piped.status == 65)
        let message = "nnpipe: <stdin>: \(format.what) is not read directly; decompress it on the way in: "
            + "... | \(format.command) | nnpipe run p.yaml --input -"
        #expect(piped.stderrLines.first.map(String.init) == message)
    }

    @Test("a CSV whose header starts like bzip2's magic (BZh and a digit) is still CSV")
    func bzhHeader() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "BZh9,x1,x2\na,1,2\nb,3,4\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: "m.json", features: ["x1", "x2"], carry: ["BZh9"],
                                              output: "-"))
        let result = try dir.nnpipe(within: 20, "run", "p.yaml", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "BZh9,y0,y1\na,5.0,1.0\nb,11.0,3.0\n")
    }
}
