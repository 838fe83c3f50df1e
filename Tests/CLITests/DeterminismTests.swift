import Foundation
import Testing

@Suite("Output does not depend on workers or chunk size")
struct DeterminismTests {
    /// relu-softmax runs on nnpipe's own kernel; blas-wide on OpenBLAS where it is installed.
    @Test("byte-identical for workers 1, 2, 7 and chunk rows 1, 3, 1000, plain and gzip",
          arguments: [("relu-softmax", 8), ("blas-wide", 64)])
    func byteIdentical(model: String, inputs: Int) throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/\(model)")
        let features = (0..<inputs).map { "x\($0)" }
        for suffix in ["csv", "csv.gz"] {
            var reference: Data?
            for workers in [1, 2, 7] {
                for chunkRows in [1, 3, 1000] {
                    let output = "out-\(workers)-\(chunkRows).\(suffix)"
                    try dir.write("p.yaml", pipelineYAML(input: folder.appendingPathComponent("input.csv").path,
                                                          model: folder.appendingPathComponent("model.json").path,
                                                          features: features, output: output))
                    let result = try dir.nnpipe("run", "p.yaml", "--workers", "\(workers)", "--chunk-rows", "\(chunkRows)")
                    #expect(result.status == 0, "\(result.stderr)")
                    // Compare decompressed bytes: gzip members differ with chunking, their content must not.
                    let bytes = suffix == "csv" ? try dir.read(output) : try Shell.run("gzip -dc \(output)", in: dir.url)
                    if let reference {
                        expectSameBytes(bytes, reference, "workers \(workers), chunk rows \(chunkRows), \(suffix)")
                    } else {
                        reference = bytes
                        #expect(bytes.count > 10_000)
                    }
                }
            }
        }
    }

    /// A compressed output's default chunk is 256 KiB on every machine (a member or frame per
    /// chunk), while plain output's shrinks from 16 workers: the compressed bytes themselves, not
    /// only their text, are the same at 2 workers and at 64.
    @Test("compressed output byte-identical at 2 and 64 workers with the default chunk size",
          arguments: ["csv.gz", "csv.zst"])
    func compressedOverWorkers(suffix: String) throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/relu-softmax")
        try writeRepeatedFixtureInput(dir, from: folder, times: 20)
        var outputs: [Data] = []
        for workers in [2, 64] {
            let output = "out-\(workers).\(suffix)"
            try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: folder.appendingPathComponent("model.json").path,
                                                  features: (0..<8).map { "x\($0)" }, output: output))
            let result = try dir.nnpipe("run", "p.yaml", "--workers", "\(workers)")
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try dir.read(output))
        }
        #expect(outputs[0].count > 100_000)
        expectSameBytes(outputs[1], outputs[0], suffix)
        // Several members or frames (one a chunk), so where chunks are cut is in these bytes.
        let magic: [UInt8] = suffix == "csv.gz" ? [0x1F, 0x8B, 0x08] : [0x28, 0xB5, 0x2F, 0xFD]
        var starts = 0
        outputs[0].withUnsafeBytes { bytes in
            var at = 0
            while let found = bytes[at...].firstIndex(of: magic[0]) {
                if found + magic.count <= bytes.count && (0..<magic.count).allSatisfy({ bytes[found + $0] == magic[$0] }) { starts += 1 }
                at = found + 1
            }
        }
        #expect(starts >= 3, "\(starts) members or frames")
    }

    /// chunk_bytes cuts blas-wide's rows (about 800 bytes each) into whole 256-row blocks (at
    /// 250,000 bytes), one block over the target (100,000), or short padded chunks under the hard
    /// limit of twice the target (2,000): the products' shapes never change, so neither do the bytes.
    @Test("byte-identical whatever chunk_bytes cuts, on OpenBLAS's layers",
          .bounded(minutes: 10))
    func byteIdenticalOverChunkBytes() throws {
        let dir = try WorkDir()
        let folder = CLI.fixture("golden/blas-wide")
        let features = (0..<64).map { "x\($0)" }
        var reference: Data?
        for chunkBytes in [0, 2000, 100_000, 250_000] {
            let output = "out-\(chunkBytes).csv"
            try dir.write("p.yaml", pipelineYAML(input: folder.appendingPathComponent("input.csv").path,
                                                  model: folder.appendingPathComponent("model.json").path,
                                                  features: features, output: output))
            let sizing = chunkBytes == 0 ? [] : ["--set", "execution.chunk_bytes=\(chunkBytes)"]
            let result = try CLI.run(["run", "p.yaml", "--workers", "2"] + sizing, in: dir.url)
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = try dir.read(output)
            if let reference {
                expectSameBytes(bytes, reference, "chunk_bytes \(chunkBytes)")
            } else {
                reference = bytes
                #expect(bytes.count > 10_000)
            }
        }
    }
}
