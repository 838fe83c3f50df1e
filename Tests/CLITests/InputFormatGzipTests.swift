import Foundation
import Testing

let gzipFixtureCases: [CompressedFixtureCase] = [
    CompressedFixtureCase(file: "ftext.csv.gz"),
    CompressedFixtureCase(file: "fhcrc.csv.gz"),
    CompressedFixtureCase(file: "fextra.csv.gz"),
    CompressedFixtureCase(file: "fname.csv.gz"),
    CompressedFixtureCase(file: "fcomment.csv.gz"),
    CompressedFixtureCase(file: "all-flags.csv.gz"),
    CompressedFixtureCase(file: "all-flags-two-members.csv.gz"),
    CompressedFixtureCase(file: "zero-padded.csv.gz"),
    CompressedFixtureCase(file: "zero-padded-two-members.csv.gz"),
    CompressedFixtureCase(file: "fhcrc-wrong.csv.gz", status: 65, words: ["corrupt gzip data (header crc mismatch)"]),
    CompressedFixtureCase(file: "reserved-flag.csv.gz", status: 65, words: ["corrupt gzip data (unknown header flags set)"]),
    CompressedFixtureCase(file: "trailing-garbage.csv.gz", status: 65,
                    words: ["(byte 41): 5 bytes after the end of the gzip data at byte offset 41"]),
    CompressedFixtureCase(file: "trailing-zeros-then-garbage.csv.gz", status: 65,
                    words: ["(byte 41): 11 bytes after the end of the gzip data at byte offset 41"]),
]

@Suite("gzip input as gzip reads it: every header flag, zero padding, trailing bytes, on both decoders")
struct InputFormatGzipTests {
    static let rows = "id,y0,y1\na,5.0,1.0\nb,11.0,3.0\n"

    /// Runs the sum model over `file` under `name`, with each decoder, from the file and from
    /// standard input (a name without .gz and standard input hand the header over in pieces).
    @Test("each fixture through ISA-L and zlib, named .gz, named otherwise and on standard input",
          arguments: gzipFixtureCases)
    func fixture(_ c: CompressedFixtureCase) throws {
        let dir = try WorkDir()
        let data = try Data(contentsOf: CLI.fixture("gzip/\(c.file)"))
        try dir.write("in.csv.gz", data)
        try dir.write("in.bin", data)
        try dir.writeSumPipeline(input: "in.csv.gz", output: "-")
        for decoder in ["isal", "zlib"] {
            let environment = ["NNPIPE_INFLATE": decoder]
            let runs = [try dir.nnpipe(within: 20, "run", "p.yaml", "--quiet", environment: environment),
                        try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "in.bin", "--quiet", environment: environment),
                        try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "-", "--quiet",
                                       stdin: dir.url.appendingPathComponent("in.bin"), environment: environment)]
            for (index, result) in runs.enumerated() {
                let what = "\(decoder), run \(index + 1)"
                c.expect(result, what, rows: Self.rows)
                if c.status != 0 {
                    #expect(!result.stderr.contains("truncated"), "\(what): \(result.stderr)")
                }
            }
        }
    }

    @Test("a megabyte of zero padding after many members is read past; one stray byte after it is not")
    func longPadding() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\n" + (0..<20_000).map { "r\($0),\($0),1\n" }.joined())
        try Shell.run("split -l 5000 in.csv part- && for p in part-*; do gzip -c $p; done > in.csv.gz"
                      + " && head -c 1048576 /dev/zero >> in.csv.gz && cp in.csv.gz bad.csv.gz && printf x >> bad.csv.gz",
                      in: dir.url)
        let size = try dir.read("in.csv.gz").count - 1_048_576
        try dir.writeSumPipeline(input: "in.csv.gz", output: "out.csv")
        for decoder in ["isal", "zlib"] {
            let good = try dir.nnpipe(within: 20, "run", "p.yaml", "--quiet", environment: ["NNPIPE_INFLATE": decoder])
            #expect(good.status == 0, "\(decoder): \(good.stderr)")
            #expect(try dir.text("out.csv").split(separator: "\n").count == 20_001, "\(decoder)")
            let bad = try dir.nnpipe(within: 20, "run", "p.yaml", "--input", "bad.csv.gz", "--quiet",
                                     environment: ["NNPIPE_INFLATE": decoder])
            #expect(bad.status == 65, "\(decoder): \(bad.stderr)")
            #expect(bad.stderr.contains("1048577 bytes after the end of the gzip data at byte offset \(size)"),
                    "\(decoder): \(bad.stderr)")
        }
    }
}
