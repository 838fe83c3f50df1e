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
                        #expect(bytes == reference, "workers \(workers), chunk rows \(chunkRows), \(suffix)")
                    } else {
                        reference = bytes
                        #expect(bytes.count > 10_000)
                    }
                }
            }
        }
    }
}
