import Testing
@testable import NNPipe

@Suite("Chunks are cut in whole blocks of the forward pass")
struct ChunkSizingTests {
    /// A chunk of `records` records of `width` bytes each (the padding after them aside).
    private func chunk(records: Int, width: Int) -> RawChunk {
        RawChunk(index: 0, bytes: [UInt8](repeating: 0x30, count: records * width + RawChunk.padding),
                 recordEnds: (1...records).map { $0 * width }, recordLines: Array(2...(records + 1)))
    }

    @Test("narrow rows: chunk_rows, with chunk_bytes as the byte limit")
    func narrowRows() {
        var sizing = ChunkSizing(maxRecords: 8192, targetBytes: 1 << 20, limitBytes: 2 << 20)
        sizing.learn(from: chunk(records: 8192, width: 20))
        #expect(sizing.records == 8192)
        #expect(sizing.byteLimit == 1 << 20)
    }

    @Test("wide rows: the most whole 256-row blocks within chunk_bytes, at most twice it in bytes",
          arguments: [(2600, 256), (1000, 1024), (600, 1536), (330, 3072), (5000, 256), (40_000, 256)])
    func wideRows(width: Int, expected: Int) {
        var sizing = ChunkSizing(maxRecords: 8192, targetBytes: 1 << 20, limitBytes: 2 << 20)
        // The first chunk was cut by bytes, at whatever record reached them.
        sizing.learn(from: chunk(records: (1 << 20) / width + 1, width: width))
        #expect(sizing.records == expected)
        #expect(sizing.records % Network.blockRows == 0)
        #expect(sizing.byteLimit == 2 << 20)
        // Learning from a chunk of the new size keeps it.
        sizing.learn(from: chunk(records: min(expected, (2 << 20) / width + 1), width: width))
        #expect(sizing.records == expected)
    }

    @Test("rows that turn narrow again go back to chunk_rows")
    func narrowAgain() {
        var sizing = ChunkSizing(maxRecords: 8192, targetBytes: 1 << 20, limitBytes: 2 << 20)
        sizing.learn(from: chunk(records: 400, width: 2600))
        #expect(sizing.records == 256)
        sizing.learn(from: chunk(records: 256, width: 10))
        #expect(sizing.records == 8192)
        #expect(sizing.byteLimit == 1 << 20)
    }

    /// The plan's default target at 16 workers (8 MiB among 34 chunks in flight) with the default
    /// limit of 2 MiB: wide rows get a whole block, not a chunk cut at twice the target and padded.
    @Test("a default target below 1 MiB: narrower rows fill it, wider ones still get a whole block",
          arguments: [(2600, 256), (330, 512), (47, 5120), (20, 8192), (40_000, 256)])
    func defaultTarget(width: Int, expected: Int) {
        var sizing = ChunkSizing(maxRecords: 8192, targetBytes: (8 << 20) / 34, limitBytes: 2 << 20)
        sizing.learn(from: chunk(records: (8 << 20) / 34 / width + 1, width: width))
        #expect(sizing.records == expected)
        #expect(sizing.byteLimit == (expected == 8192 ? (8 << 20) / 34 : 2 << 20))
        // A block of 2,600-byte rows fits the limit; the byte limit cuts only rows wider still.
        #expect(width > 8000 || min(expected, 8192) * width <= sizing.byteLimit)
    }

    @Test("chunk_rows below a block is kept")
    func fewRows() {
        var sizing = ChunkSizing(maxRecords: 100, targetBytes: 1000, limitBytes: 2000)
        sizing.learn(from: chunk(records: 3, width: 400))
        #expect(sizing.records == 100)
    }
}
