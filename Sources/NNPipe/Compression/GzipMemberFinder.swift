/// Finds gzip members whose header states their size, so they can be inflated in parallel.
///
/// BGZF (bgzip, htslib, and nnpipe's own gzip output) puts in each member's header an extra
/// subfield `BC` holding the member's size minus one: the next member starts there, found without
/// inflating. Members are gathered into parts of about `partBytes`. A member without the
/// subfield (`gzip`, `pigz`, Python's gzip module) ends the cutting: the rest of the stream is read
/// by one decoder, exactly as without this finder. After the last member only zero padding may
/// follow, as for that decoder.
final class GzipMemberFinder: PartFinder {
    let input: ReadAhead
    private let name: String
    private let makeReader: (ByteSource) throws -> ByteSource
    /// Compressed bytes gathered into one part (a BGZF member is at most 64 KiB).
    let partBytes: Int
    var ended = false
    private var membersSeen = 0

    /// `makeReader` makes the one-thread decoder for the rest of the stream; `partBytes` is the
    /// compressed size a part reaches (512 KiB: about 2 MiB of CSV text).
    /// Threads a gzip file of one member is inflated on (``SpeculativeGzipReader``); below two,
    /// one decoder reads it.
    private let speculativeDecoders: Int

    /// The threads a gzip file of one member is inflated on: `decoders` (the run's workers, at
    /// most the processors) when `setting` (`execution.parallel_gzip`) says so, or when it is not
    /// set and they are at least ``automaticDecoders``; else 0 (one decoder).
    ///
    /// On a 16-core Xeon the speculative decoder took W2's run from 0.65 s to 0.39 s at 4 workers
    /// and 0.28 s at 16 (the one-thread reader bound them at 0.65 s), for about 2.5 times the CPU
    /// and up to 300 MiB (about half since its regions' buffers are used again); on 2 cores it is
    /// no faster than one thread of ISA-L (bench/RESULTS.md).
    static func speculativeDecoders(setting: Bool?, decoders: Int) -> Int {
        let threads = min(decoders, ProcessorInfo.activeProcessors)
        return setting ?? (threads >= automaticDecoders) ? threads : 0
    }

    /// The fewest threads that inflate a gzip file of one member in parts when
    /// `execution.parallel_gzip` is not set.
    static let automaticDecoders = 4

    init(input: ReadAhead, name: String, partBytes: Int = 512 * 1024, speculativeDecoders: Int = 0,
         makeReader: @escaping (ByteSource) throws -> ByteSource) {
        self.input = input
        self.partBytes = partBytes
        self.speculativeDecoders = speculativeDecoders
        self.name = name
        self.makeReader = makeReader
    }

    /// The size of the member at the read-ahead's start as its `BC` subfield states it; nil when
    /// the member has no such field (or the bytes are not a gzip member).
    static func statedSize(_ input: ReadAhead) throws -> Int? {
        guard try input.ensure(12), input[0] == 0x1F, input[1] == 0x8B, input[2] == 8, input[3] & 0x04 != 0 else { return nil }
        let extraLength = Int(input[10]) | Int(input[11]) << 8
        guard try input.ensure(12 + extraLength) else { return nil }
        var at = 12
        while at + 4 <= 12 + extraLength {
            let length = Int(input[at + 2]) | Int(input[at + 3]) << 8
            if input[at] == 0x42, input[at + 1] == 0x43, length == 2, at + 6 <= 12 + extraLength {
                let size = (Int(input[at + 4]) | Int(input[at + 5]) << 8) + 1
                // The header, the empty deflate data and the trailer need at least this much.
                return size >= 12 + extraLength + 2 + 8 ? size : nil
            }
            at += 4 + length
        }
        return nil
    }

    func nextUnit() throws -> PartUnit {
        guard let size = try Self.statedSize(input) else { return .other }
        // Cut off inside a member: the decoder of the part says so, with the offset.
        guard try input.ensure(size) else { return .cutOff }
        membersSeen += 1
        // ISIZE, the member's decompressed size, is its last four bytes.
        return .whole(size: size, decodedSize: (0..<4).reduce(0) { $0 | Int(input[size - 4 + $1]) << (8 * $1) })
    }

    /// The rest of the stream for one decoder: another member, or bytes after the last one (zero
    /// padding, or data that is neither), checked when reading reaches them, so that they are
    /// still in the file if a part before them is read again by one decoder.
    func rest() throws -> CompressedPart {
        let startsMember = input[0] == 0x1F && (input.available < 2 || input[1] == 0x8B)
        if startsMember || membersSeen == 0 {
            let atStart = input.offset == 0
            input.giveBack()
            // A file of one member without size fields (gzip, pigz, Python, pandas): with
            // `parallel_gzip`, inflated in parts from guessed block boundaries.
            if atStart, speculativeDecoders >= 2,
               let reader = SpeculativeGzipReader(file: input.file, name: name, decoders: speculativeDecoders, oneDecoder: makeReader) {
                return .rest(reader)
            }
            return .rest(try makeReader(input.file))
        }
        return .rest(AfterLastMember(input: input, name: name))
    }

    /// What follows the last member, read as gzip reads it: zero bytes to the end of the file are
    /// padding (no bytes), anything else is an error naming how many bytes follow.
    private final class AfterLastMember: ByteSource {
        private let input: ReadAhead
        private let name: String
        init(input: ReadAhead, name: String) {
            self.input = input
            self.name = name
        }

        var bytesConsumed: Int { input.offset }

        func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
            let offset = input.offset
            var trailing = 0
            var allZero = true
            while try input.ensure(1) {
                input.withBytes { bytes in
                    trailing += bytes.count
                    if allZero { allZero = !bytes.contains { $0 != 0 } }
                }
                var dropped: [UInt8] = []
                input.take(input.available, into: &dropped)
            }
            if allZero { return 0 }
            throw CompressedInput.trailingData(trailing, at: offset, name: name)
        }
    }

    static func stream(_ bytes: [UInt8], base: Int, name: String) throws -> ByteSource {
        try InputOpener.gzipReader(over: InMemorySource(bytes, base: base), name: name, allowsPadding: false)
    }

    func oneDecoder(over file: FileSource) throws -> ByteSource {
        try makeReader(file)
    }
}
