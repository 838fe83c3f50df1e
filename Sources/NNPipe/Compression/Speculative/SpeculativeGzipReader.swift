import CZlib
import Dispatch
import Glibc

/// Inflates a gzip file of one member (what gzip, pigz, Python's gzip module and pandas write) on
/// several threads, handing out exactly the bytes one decoder would.
///
/// ```
///  file ─▶ regions of 512 KiB ─▶ region 0: inflated from the stream's start
///                               region k: first block boundary guessed, inflated without its
///                                         window (SpeculativePart), on Dispatch's pool
///        ─▶ joined in order: a region is trusted only when the decoded data before it ends at a
///           block boundary exactly where its guess started; then its window bytes are filled in.
///           Otherwise it is inflated again from the real boundary with the real window.
/// ```
/// The stream's CRC-32 and length are checked against its trailer (each region's CRC computed on
/// the pool, combined in order). Anything else (corrupt or cut-off data, a CRC mismatch, bytes
/// after the member, a region that decodes to more than the limit) hands the file to one decoder
/// from its start, which skips the bytes already handed out: every error, its message and its
/// offset, is then exactly that decoder's (it may surface a read earlier than when that decoder
/// reads the whole file itself: the bytes before it are the same, fewer of them may be handed out).
///
/// Memory: at most `partsInFlight` regions, each its compressed bytes and what it decodes to
/// (at most 16 times its compressed size, as symbols of 2 bytes, then as many bytes); fewer when
/// the regions decode to much (``decodedBudget``).
final class SpeculativeGzipReader: ByteSource {
    // Used from 4 threads on, or as `execution.parallel_gzip` says (``GzipMemberFinder``): each
    // region is inflated once with markers, about twice the CPU of one thread of ISA-L (W2's
    // 135 MiB: 1.0-1.1 s against 0.53 s), so it pays only with idle cores.
    /// The fewest regions worth it (8 MiB of compressed data at the default region size).
    static let minimumRegions = 16

    private let file: FileSource
    private let name: String
    private let size: Int
    private let regionBytes: Int
    private let partsInFlight: Int
    /// About the most decoded bytes the regions in flight may hold (3 bytes a decoded byte: its
    /// symbol and its byte): text that compresses well is read with fewer regions in flight.
    static let decodedBudget = 96 << 20
    /// Decoded bytes per compressed byte, the most seen in a region so far (4 until one is joined).
    private var ratio = 4.0
    private var ratioSeen = false
    private let oneDecoder: (ByteSource) throws -> ByteSource
    /// Bytes read past a region's end, for the block that crosses it.
    private let overrun = 128 * 1024
    /// The most a region may decode to: 16 times its compressed size (8 MiB of text for 512 KiB;
    /// CSV of numbers compresses 2-4 times), at most ``ParallelDecoderLimits/largestDecodedPart``.
    /// A file that compresses better goes to one decoder at its first such region.
    private let limit: Int
    /// The byte offset of the deflate data (after the member's header).
    private let deflateStart: Int
    private var nextRegion = 0
    private let regionCount: Int
    private var inFlight: [Slot] = []
    /// The bit position where the next part must begin.
    private var expected: Int
    /// The last 32 KiB handed out (fewer at the stream's start).
    private var window: [UInt8] = []
    private var current: [UInt8] = []
    private var served = 0
    /// Bytes handed out and their CRC-32, and bytes of the parts joined (handed out or still
    /// being resolved).
    private var handedOut = 0
    private var handedOutCRC: UInt = crc32(0, nil, 0)
    private var joined = 0
    /// Joined parts being resolved (their window bytes filled in, their CRC-32 computed) on the
    /// pool, oldest first; a few run ahead of the part being handed out.
    private var resolving: [PartResolution] = []
    private let resolvingAhead = 3
    /// Every joined part's CRC-32, in order, for the trailer.
    private var checksums: [PartResolution] = []
    private var fallback: ByteSource?
    /// Set once the trailer matched: what is left is handing out the parts being resolved.
    private var ended = false
    /// Regions whose guessed start was confirmed, and regions inflated again from the real
    /// boundary (for tests and the debug log).
    private(set) var guessesJoined = 0
    private(set) var regionsRedone = 0

    private final class Slot: @unchecked Sendable {
        // Unchecked: `part` is set once by the work item before `done` is signalled, and read after.
        let region: Int
        let start: Int, end: Int
        let done = DispatchSemaphore(value: 0)
        var part: SpeculativePart?
        var firstRun: RawInflateRun?
        init(region: Int, start: Int, end: Int) {
            self.region = region
            self.start = start
            self.end = end
        }
    }

    /// A reader over `file` (a regular file whose first member starts at offset 0, with no size
    /// field), or nil when it cannot be read this way (not a regular file, shorter than
    /// ``minimumRegions`` regions, a header it cannot parse): then one decoder reads it.
    init?(file: FileSource, name: String, decoders: Int, regionBytes: Int = 512 * 1024,
          minimumRegions: Int = SpeculativeGzipReader.minimumRegions,
          oneDecoder: @escaping (ByteSource) throws -> ByteSource) {
        var info = stat()
        guard fstat(file.descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        size = Int(info.st_size)
        // Small files gain little: one decoder reads them.
        guard size >= minimumRegions * regionBytes else { return nil }
        // The member's header, as the one decoder reads it.
        var header = [UInt8](repeating: 0, count: min(size, 64 * 1024))
        guard pread(file.descriptor, &header, header.count, 0) == header.count else { return nil }
        var parser = GzipHeaderParser()
        guard let used = try? header.withUnsafeBufferPointer({ try parser.consume($0.baseAddress!, available: $0.count) }),
              parser.isComplete else { return nil }
        self.file = file
        self.name = name
        self.regionBytes = regionBytes
        limit = min(ParallelDecoderLimits.largestDecodedPart, 16 * regionBytes)
        self.partsInFlight = max(2, decoders) + 2
        self.oneDecoder = oneDecoder
        deflateStart = used
        expected = used * 8
        regionCount = (size - used + regionBytes - 1) / regionBytes
    }

    var bytesConsumed: Int {
        if let fallback { return fallback.bytesConsumed }
        return min(size, expected / 8)
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while served == current.count {
            if let fallback { return try fallback.read(into: buffer, capacity: capacity) }
            if let next = resolving.first, ended || resolving.count > resolvingAhead {
                resolving.removeFirst()
                next.done.wait()
                guard let bytes = next.bytes else {
                    try handToOneDecoder(because: "a region's markers name bytes before the stream's start")
                    continue
                }
                next.bytes = nil
                current = bytes
                served = 0
                handedOut += bytes.count
                handedOutCRC = crc32_combine(handedOutCRC, next.crc, off_t(bytes.count))
                continue
            }
            if ended { return 0 }
            try nextPart()
        }
        let count = min(capacity, current.count - served)
        current.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + served, count: count) }
        served += count
        return count
    }

    /// The file's bytes `[from, to)`.
    private func bytes(from: Int, to: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(0, min(to, size) - from))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBufferPointer { pread(file.descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(from + filled)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            filled += count
        }
        return bytes
    }

    /// Starts regions on the pool until ``partsInFlight`` are in flight, or fewer whose decoded
    /// bytes fit ``decodedBudget``.
    private func fill() {
        let fitting = max(2, Int(Double(Self.decodedBudget) / (3 * ratio * Double(regionBytes))))
        while inFlight.count < min(partsInFlight, fitting) && nextRegion < regionCount {
            let region = nextRegion
            nextRegion += 1
            let start = deflateStart + region * regionBytes, end = min(size, start + regionBytes)
            let slot = Slot(region: region, start: start * 8, end: end * 8)
            inFlight.append(slot)
            guard let bytes = bytes(from: start, to: end + overrun) else {
                slot.done.signal()
                continue
            }
            let limit = limit
            DispatchQueue.global().async {
                WorkerPriority.running(as: "nnpipe-inflate", niceness: nil) {
                    bytes.withUnsafeBufferPointer { bytes in
                        if region == 0 {
                            slot.firstRun = RawInflateRun.run(bytes, base: start, from: slot.start, dictionary: nil,
                                                              stopAtOrAfter: slot.end, limit: limit)
                        } else {
                            slot.part = SpeculativePart.decode(bytes, base: start, from: slot.start, to: slot.end, limit: limit)
                        }
                    }
                }
                slot.done.signal()
            }
        }
    }

    /// Joins the next region: its bytes become ``current``, or the file goes to one decoder.
    private func nextPart() throws {
        fill()
        guard !inFlight.isEmpty else { return try handToOneDecoder(because: "the stream goes on past its last region") }
        let slot = inFlight.removeFirst()
        slot.done.wait()
        // A block that crossed this whole region was decoded with the one before it.
        if expected >= slot.end { return }
        var resolution: PartResolution?
        /// Where the joined part ended, and whether the stream ended in it.
        var ending: (end: Int, streamEnded: Bool)?
        if let first = slot.firstRun, first.failure == nil, !first.ranOut {
            let bytes = first.output
            resolution = PartResolution.start(length: bytes.count) { bytes }
            ending = (first.end, first.streamEnded)
            window = Array((window + bytes.suffix(SpeculativePart.windowSize)).suffix(SpeculativePart.windowSize))
        } else if let part = slot.part, part.start == expected || joinsAfterEmptyBlocks(part.start),
                  let tail = part.resolved(from: max(0, part.count - SpeculativePart.windowSize), with: window) {
            // The next window is this part's last bytes, resolved here; the rest on the pool.
            let window = window
            resolution = PartResolution.start(length: part.count) { part.resolved(with: window) }
            ending = (part.run.end, part.run.streamEnded)
            self.window = Array((self.window + tail).suffix(SpeculativePart.windowSize))
            guessesJoined += 1
        } else {
            regionsRedone += 1
            // The guess was wrong (or there was none): inflate from the real boundary, with the
            // real window, on this thread.
            var reach = overrun
            while true {
                let from = expected / 8
                guard let bytes = bytes(from: from, to: slot.end / 8 + reach) else {
                    return try handToOneDecoder(because: "the file could not be read again")
                }
                let again = bytes.withUnsafeBufferPointer { bytes in
                    window.withUnsafeBufferPointer { window in
                        RawInflateRun.run(bytes, base: from, from: expected, dictionary: window.isEmpty ? nil : window,
                                          stopAtOrAfter: slot.end, limit: limit)
                    }
                }
                if again.ranOut && slot.end / 8 + reach < size {
                    reach *= 4
                    continue
                }
                guard again.failure == nil, !again.ranOut else {
                    return try handToOneDecoder(because: again.failure ?? "the file ends inside a block")
                }
                let output = again.output
                resolution = PartResolution.start(length: output.count) { output }
                ending = (again.end, again.streamEnded)
                window = Array((window + output.suffix(SpeculativePart.windowSize)).suffix(SpeculativePart.windowSize))
                break
            }
        }
        guard let resolution, let ending else { return try handToOneDecoder(because: "a region could not be joined") }
        let regionRatio = Double(resolution.length) / Double(max(1, (slot.end - slot.start) / 8))
        ratio = ratioSeen ? max(ratio, regionRatio) : regionRatio
        ratioSeen = true
        resolving.append(resolution)
        checksums.append(resolution)
        joined += resolution.length
        expected = ending.end
        guard ending.streamEnded else { return }
        // The trailer: CRC-32 and length of everything, and nothing after it.
        let trailerStart = (ending.end + 7) / 8
        guard trailerStart + 8 == size, let trailer = bytes(from: trailerStart, to: trailerStart + 8) else {
            return try handToOneDecoder(because: trailerStart + 8 > size ? "the trailer is cut off" : "bytes follow the member")
        }
        let stated = trailer.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
        var crc: UInt = crc32(0, nil, 0)
        for part in checksums {
            part.done.wait()
            guard part.resolved else { return try handToOneDecoder(because: "a region's markers name bytes before the stream's start") }
            crc = crc32_combine(crc, part.crc, off_t(part.length))
        }
        guard UInt(UInt32(littleEndian: stated.0)) == crc,
              UInt32(littleEndian: stated.1) == UInt32(truncatingIfNeeded: joined) else {
            return try handToOneDecoder(because: "the CRC-32 or length in the trailer does not match")
        }
        ended = true
        DebugLog.write("\(name): inflated in \(regionCount) regions on \(partsInFlight - 2) threads; \(guessesJoined) joined at their guessed start, \(regionsRedone) inflated again on the reading thread")
        inFlight.removeAll()
        checksums.removeAll()
    }

    /// The several threads' bytes are not one decoder's: never expected, never trusted.
    static func disagreement(_ name: String) -> InputError {
        InputError(.unreadable, file: name,
                   problem: "decoded on several threads to other bytes than one decoder gives; run again with execution.parallel_gzip: false, and please report this file")
    }

    /// Whether the bits from ``expected`` up to `start` are empty blocks (what pigz writes
    /// between the parts it compressed apart).
    private func joinsAfterEmptyBlocks(_ start: Int) -> Bool {
        // A few blocks of 10 to 42 bits; more is not what pigz writes.
        guard start > expected, start - expected <= 8 * 64, let bytes = bytes(from: expected / 8, to: (start + 7) / 8 + 8) else {
            return false
        }
        return bytes.withUnsafeBufferPointer {
            DeflateBlockFinder.onlyEmptyBlocks($0, from: expected % 8, to: start - expected / 8 * 8)
        }
    }

    /// Hands the file to one decoder from its start, which skips what was handed out already: its
    /// bytes and its error are then the reader's. The bytes it skips must be those handed out (by
    /// their CRC-32): if they are not, the run stops rather than go on from bytes one decoder
    /// would not have given.
    private func handToOneDecoder(because reason: String) throws {
        DebugLog.write("\(name): inflated by one decoder from its start after \(handedOut) bytes inflated in parts: \(reason)")
        inFlight.removeAll()
        resolving.removeAll()
        checksums.removeAll()
        guard file.rewind() else {
            throw InputError(.unreadable, file: name, problem: "cannot read the file again from its start")
        }
        let decoder = try oneDecoder(file)
        var skip = handedOut
        var crc: UInt = crc32(0, nil, 0)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate() }
        while skip > 0 {
            let count = try decoder.read(into: scratch, capacity: min(skip, 1 << 16))
            guard count > 0 else { throw Self.disagreement(name) }
            crc = crc32(crc, scratch, UInt32(count))
            skip -= count
        }
        guard crc == handedOutCRC else { throw Self.disagreement(name) }
        fallback = decoder
        current = []
        served = 0
    }
}
