import CZlib
import Dispatch
import Glibc

/// Inflates a gzip file of one member (what gzip, pigz, Python's gzip module and pandas write) on
/// several threads, handing out exactly the bytes one decoder would.
///
/// ```
///  file ─▶ regions of 512 KiB ─▶ the pool, furthest first: a region's first block boundary
///                                  guessed, inflated from there without its window
///                                  (SpeculativePart)
///        ─▶ the reading thread, in order:
///             a region the pool has inflated, whose guess is where the data before it ends at a
///             block boundary: joined, its window bytes filled in (on the pool, or here when
///             they are needed before a work item has started on them);
///             any other: inflated here with the real window by ISA-L (IsalStream) straight into
///             the caller's buffer, on through the regions after it, up to the start of the
///             next region the pool has inflated by then (ISA-L confirms the boundary there).
/// ```
/// So the reading thread never waits for the pool: the pool's regions spare it work when the pool
/// is ahead, and on a machine with few cores (the pool then runs only on processors nothing else
/// wants) it reads at one thread's speed. Without ISA-L, a region the pool has not inflated is
/// waited for and, if its guess does not join, inflated again here with zlib.
///
/// The stream's CRC-32 and length are checked against its trailer (each region's CRC computed on
/// the pool, combined in order). Where another gzip member follows (`cat a.gz b.gz`), it is read
/// from its header on as this one, in regions where it is long enough, else by one decoder (each
/// member is a stream of its own). Anything else (corrupt or cut-off data, a CRC mismatch, bytes
/// after the member, a region that decodes to more than the limit) hands the file to one decoder
/// from its start, which skips the bytes already handed out: every error, its message and its
/// offset, is then exactly that decoder's (it may surface a read earlier than when that decoder
/// reads the whole file itself: the bytes before it are the same, fewer of them may be handed out).
///
/// Memory: at most `partsInFlight` regions, each its compressed bytes and what it decodes to
/// (at most 16 times its compressed size, as symbols of 2 bytes, then as many bytes); fewer when
/// the regions decode to much (``decodedBudget``).
final class SpeculativeGzipReader: ByteSource {
    // Used from 4 threads on, or as `execution.parallel_gzip` says (``GzipMemberFinder``).
    /// The fewest regions worth it (8 MiB of compressed data at the default region size).
    static let minimumRegions = 16

    private let file: FileSource
    private let name: String
    private let size: Int
    private let regionBytes: Int
    /// Where this member's header starts in the file, and how the members after it are read.
    private let memberStart: Int
    /// The bytes of the members before this one (all checked against their trailers) and their
    /// CRC-32: a fall back to one decoder reads from the file's start and skips them too, so that
    /// its bytes and errors are those of one decoder reading the whole file.
    private let earlier: (length: Int, crc: UInt)
    private let decoders: Int
    private let minimumRegions: Int
    private let partsInFlight: Int
    /// About the most decoded bytes the regions in flight may hold (3 bytes a decoded byte: its
    /// symbol and its byte): text that compresses well is read with fewer regions in flight.
    static let decodedBudget = 96 << 20
    /// Decoded bytes per compressed byte, the most seen in a region so far (4 until one is joined).
    private var ratio = 4.0
    private var ratioSeen = false
    private let oneDecoder: (ByteSource) throws -> ByteSource
    /// Bytes read past a region's end, for the block that crosses it.
    private static let overrun = 128 * 1024
    /// The most a region may decode to: 16 times its compressed size (8 MiB of text for 512 KiB;
    /// CSV of numbers compresses 2-4 times), at most ``ParallelDecoderLimits/largestDecodedPart``.
    /// A file that compresses better goes to one decoder at its first such region.
    private let limit: Int
    /// The byte offset of the deflate data (after the member's header).
    private let deflateStart: Int
    private var nextRegion = 0
    private let regionCount: Int
    /// Regions not reached yet, in order.
    private var inFlight: [Region] = []
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
    /// The reader of the members after this one, from the next one's header, once this one's
    /// trailer matched.
    private var following: ByteSource?
    /// Whether a member went to one decoder from its start after bytes inflated in parts (for
    /// tests).
    private var wentToOneDecoder = false
    var readAgainFromStart: Bool {
        wentToOneDecoder || (following as? SpeculativeGzipReader)?.readAgainFromStart == true
    }
    /// Set once the trailer matched: what is left is handing out the parts being resolved.
    private var ended = false
    #if ISAL
    /// ISA-L inflating on this thread, and the part it is to end at (whose guessed start is its
    /// input's end), if any.
    private var stream: IsalStream?
    private var streamStop: Region?
    /// The bytes the stream has handed out since it started, and their CRC-32.
    private var streamLength = 0
    private var streamCRC: UInt = 0
    #endif
    /// Regions the pool inflated whose guessed start joined, regions inflated again from the real
    /// boundary (zlib, without ISA-L), and regions the reading thread inflated (for tests and the
    /// debug log).
    private(set) var guessesJoined = 0
    private(set) var regionsRedone = 0
    private(set) var regionsInflatedHere = 0

    /// Who may inflate a region: either, or for tests only one of them (the reading thread always
    /// inflates the first region). `poolAtRegionEnds` is `poolOnly` where the reading thread's
    /// stream looks for the pool's next region only at its own region's end, not when it enters
    /// it (as when the pool finishes a region while the stream is in the one before).
    enum Share { case either, poolOnly, poolAtRegionEnds, readerOnly }
    private var poolOnly: Bool { share == .poolOnly || share == .poolAtRegionEnds }
    private let share: Share
    /// The threads of the pool that inflate regions ahead.
    private let pool: RegionPool

    /// A reader over `file` (a regular file whose member starting at `memberStart` has no size
    /// field), or nil when it cannot be read this way (not a regular file, fewer than
    /// ``minimumRegions`` regions from there, a header it cannot parse): then one decoder reads it.
    init?(file: FileSource, name: String, decoders: Int, regionBytes: Int = 512 * 1024,
          minimumRegions: Int = SpeculativeGzipReader.minimumRegions, share: Share = .either, memberStart: Int = 0,
          earlier: (length: Int, crc: UInt) = (0, crc32(0, nil, 0)), oneDecoder: @escaping (ByteSource) throws -> ByteSource) {
        var info = stat()
        guard fstat(file.descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        size = Int(info.st_size)
        // Small files gain little: one decoder reads them.
        guard size - memberStart >= minimumRegions * regionBytes else { return nil }
        // The member's header, as the one decoder reads it.
        var header = [UInt8](repeating: 0, count: min(size - memberStart, 64 * 1024))
        guard pread(file.descriptor, &header, header.count, off_t(memberStart)) == header.count else { return nil }
        var parser = GzipHeaderParser()
        guard let used = try? header.withUnsafeBufferPointer({ try parser.consume($0.baseAddress!, available: $0.count) }),
              parser.isComplete else { return nil }
        self.file = file
        self.name = name
        self.regionBytes = regionBytes
        self.share = share
        self.memberStart = memberStart
        self.earlier = earlier
        self.decoders = decoders
        self.minimumRegions = minimumRegions
        let limit = min(ParallelDecoderLimits.largestDecodedPart, 16 * regionBytes)
        self.limit = limit
        // A region the reading thread reaches before the pool has finished it is inflated here and
        // the pool's work on it is lost, and the pool takes about 2 times as long as ISA-L for a
        // region (3.9 ms and 0.4 ms to fill in its markers against 1.9 ms for W2's regions on a
        // Xeon; more under SCHED_IDLE on a busy machine): the furthest regions offered must be
        // far enough ahead. On 2 cores (one pool thread) with 4 in flight the pool joined 15-29 of
        // W2's 271 regions and the reader-bound run took 0.38-0.39 s and 0.70-0.73 s of CPU; with
        // 6, 54-65 regions, 0.36-0.37 s, 0.67 s, 57-60 MiB; 8 joined more but peaked at 65 MiB.
        partsInFlight = max(6, decoders + 2)
        // Below 4 decoders the pool runs only under SCHED_IDLE, which needs leave to be undone
        // (``WorkerPriority/canLeaveIdle``): without it the reading thread inflates every region.
        let whenIdle = decoders < GzipMemberFinder.automaticDecoders
        pool = RegionPool(file: file.descriptor, size: size,
                          threads: whenIdle && !WorkerPriority.canLeaveIdle ? 0 : max(1, decoders - 1),
                          whenIdle: whenIdle, regionBytes: regionBytes, overrun: Self.overrun, limit: limit)
        self.oneDecoder = oneDecoder
        deflateStart = memberStart + used
        expected = deflateStart * 8
        regionCount = (size - deflateStart + regionBytes - 1) / regionBytes
    }

    var bytesConsumed: Int {
        if let fallback { return fallback.bytesConsumed }
        if let following { return following.bytesConsumed }
        // The trailer checked, nothing after it.
        if ended { return size }
        #if ISAL
        if let stream { return min(size, stream.position / 8) }
        #endif
        return min(size, expected / 8)
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while served == current.count {
            if let fallback { return try fallback.read(into: buffer, capacity: capacity) }
            // Joined parts go first; a few are resolved ahead, all before the stream goes on.
            if let next = resolving.first, ended || resolving.count > resolvingAhead || streaming {
                resolving.removeFirst()
                next.waitOrResolveHere()
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
            #if ISAL
            if stream != nil {
                let count = try streamRead(into: buffer, capacity: capacity)
                if count > 0 { return count }
                continue
            }
            #endif
            if ended {
                // Members after members: read from the last reader that has bytes left.
                while let nested = following as? SpeculativeGzipReader, let next = nested.handedOn { following = next }
                return try following?.read(into: buffer, capacity: capacity) ?? 0
            }
            try nextPart()
        }
        let count = min(capacity, current.count - served)
        current.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + served, count: count) }
        served += count
        return count
    }

    /// The reader of the members after this one, once this one's bytes are all handed out.
    private var handedOn: ByteSource? {
        guard ended, fallback == nil, served == current.count, resolving.isEmpty, !streaming else { return nil }
        return following
    }

    private var streaming: Bool {
        #if ISAL
        return stream != nil
        #else
        return false
        #endif
    }

    /// The file's bytes `[from, to)`.
    private func bytes(from: Int, to: Int) -> [UInt8]? {
        RegionPool.bytes(of: file.descriptor, size: size, from: from, to: to)
    }

    /// Adds regions until ``partsInFlight`` are in flight, or fewer whose decoded bytes fit
    /// ``decodedBudget``, each after the first offered to the pool.
    private func fill() {
        let fitting = max(2, Int(Double(Self.decodedBudget) / (3 * ratio * Double(regionBytes))))
        while inFlight.count < min(partsInFlight, fitting) && nextRegion < regionCount {
            let region = nextRegion
            nextRegion += 1
            let start = deflateStart + region * regionBytes, end = min(size, start + regionBytes)
            let slot = Region(index: region, start: start * 8, end: end * 8)
            inFlight.append(slot)
            // The first region has no unknown window: the reading thread inflates it.
            guard region > 0, share != .readerOnly else { continue }
            pool.offer(slot)
        }
    }

    /// Takes `slot` for the reading thread unless the pool has started it (in tests that share
    /// regions with the pool only, the reading thread takes the first region alone).
    private func takeHere(_ slot: Region) -> Bool {
        poolOnly ? slot.index == 0 : pool.take(slot)
    }

    /// Waits until the pool has inflated `slot` (tests that share regions with the pool only).
    private func waitFor(_ slot: Region) {
        guard !slot.finished else { return }
        slot.done.wait()
        slot.finished = true
    }

    /// Whether the pool has inflated `slot` (without waiting).
    private func isFinished(_ slot: Region) -> Bool {
        if !slot.finished && slot.isInflated { slot.finished = true }
        return slot.finished
    }

    /// Whether the pool has inflated `slot`, the region after the one the stream has just
    /// inflated to its end (tests that look for the pool's regions only there wait for it).
    private func isFinishedAtRegionEnd(_ slot: Region) -> Bool {
        if share == .poolAtRegionEnds { waitFor(slot) }
        return isFinished(slot)
    }

    /// Whether `part` may be joined where the data before it ends: at its guessed start, or after
    /// empty blocks up to it.
    private func joins(_ part: SpeculativePart) -> Bool {
        part.start == expected || joinsAfterEmptyBlocks(part.start)
    }

    /// Joins `part` (the pool's) at ``expected``: its bytes are resolved on the pool and handed
    /// out after those before it; false when its window bytes cannot be filled in.
    private func join(_ part: SpeculativePart, of slot: Region) throws -> Bool {
        guard let tail = part.resolved(from: max(0, part.count - SpeculativePart.windowSize), with: window) else { return false }
        // The next window is this part's last bytes, resolved here; the rest on the pool.
        let window = window
        let resolution = PartResolution.start(length: part.count) { part.resolved(with: window) }
        slideWindow(over: tail)
        guessesJoined += 1
        try record(resolution, of: slot, end: part.run.end, streamEnded: part.run.streamEnded)
        return true
    }

    /// ``window`` after `bytes` (the next ones of the stream): its last 32 KiB.
    private func slideWindow<Bytes: Collection<UInt8>>(over bytes: Bytes) {
        let size = SpeculativePart.windowSize
        window = bytes.count >= size ? Array(bytes.suffix(size)) : Array((window + bytes).suffix(size))
    }

    /// Records a part joined, ending at bit `end`, and checks the trailer when the stream ended in it.
    private func record(_ resolution: PartResolution, of slot: Region, end: Int, streamEnded: Bool) throws {
        let regionRatio = Double(resolution.length) / Double(max(1, (slot.end - slot.start) / 8))
        ratio = ratioSeen ? max(ratio, regionRatio) : regionRatio
        ratioSeen = true
        try queue(resolution, end: end, streamEnded: streamEnded)
    }

    /// Queues a part to be handed out after those before it, ending at bit `end`, and checks the
    /// trailer when the stream ended in it.
    private func queue(_ resolution: PartResolution, end: Int, streamEnded: Bool) throws {
        resolving.append(resolution)
        checksums.append(resolution)
        joined += resolution.length
        expected = end
        if streamEnded { try checkTrailer() }
    }

    /// Takes the next region: a part of the pool's joined, or (with ISA-L) a stream started here,
    /// or the file handed to one decoder.
    private func nextPart() throws {
        fill()
        guard let slot = inFlight.first else { return try handToOneDecoder(because: "the stream goes on past its last region") }
        // A block that crossed this whole region was decoded with the one before it.
        if expected >= slot.end {
            inFlight.removeFirst()
            return
        }
        let here = takeHere(slot)
        #if ISAL
        if !here && poolOnly { waitFor(slot) }
        if !here, isFinished(slot), let part = slot.part, joins(part) {
            inFlight.removeFirst()
            if try join(part, of: slot) { return }
            return try handToOneDecoder(because: "a region's markers name bytes before the stream's start")
        }
        // Not inflated in time, or its guess did not join: ISA-L inflates from here.
        try startStream()
        #else
        inFlight.removeFirst()
        if !here {
            slot.done.wait()
            if let part = slot.part, joins(part) {
                if try join(part, of: slot) { return }
                return try handToOneDecoder(because: "a region's markers name bytes before the stream's start")
            }
        }
        try inflateAgain(slot, here: here)
        #endif
    }

    /// Inflates `slot` from ``expected``, with the real window, on this thread with zlib.
    private func inflateAgain(_ slot: Region, here: Bool) throws {
        if here { regionsInflatedHere += 1 } else { regionsRedone += 1 }
        var reach = Self.overrun
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
            slideWindow(over: output)
            try record(PartResolution.start(length: output.count) { output }, of: slot, end: again.end, streamEnded: again.streamEnded)
            return
        }
    }

    #if ISAL
    /// Starts ISA-L at ``expected`` with the real window, through the first region in flight.
    private func startStream() throws {
        let made = window.withUnsafeBufferPointer {
            IsalStream(descriptor: file.descriptor, fileSize: size, from: expected, window: $0)
        }
        guard let made else { return try handToOneDecoder(because: "the file could not be read") }
        stream = made
        streamStop = nil
        streamLength = 0
        streamCRC = crc32(0, nil, 0)
        try streamEnters(inFlight.removeFirst())
    }

    /// The stream goes into `slot`: up to its end, or, when the pool has inflated the region
    /// after it, up to that part's guessed start.
    private func streamEnters(_ slot: Region) throws {
        guard let stream else { return }
        _ = takeHere(slot)
        regionsInflatedHere += 1
        fill()
        stream.inputEnd = slot.end / 8
        streamStop = nil
        if let next = inFlight.first, share == .poolOnly { waitFor(next) }
        if share != .poolAtRegionEnds, let next = inFlight.first, next.index > 0, isFinished(next), let part = next.part,
           part.start >= slot.end {
            stream.inputEnd = (part.start + 7) / 8
            streamStop = next
        }
    }

    /// Inflates into `buffer` with ISA-L; 0 when the stream stopped (at a joined part, or at its end).
    private func streamRead(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard let stream else { return 0 }
        // The last region is inflated whole before its bytes go out: the trailer is checked
        // first, so that a CRC mismatch stops the run no later than one decoder would.
        if inFlight.isEmpty && nextRegion == regionCount { return try streamLastRegion(stream) }
        let count: Int
        do {
            count = try stream.read(into: buffer, capacity: capacity)
        } catch {
            return try streamFailed(error)
        }
        if count > 0 {
            streamed(UnsafeBufferPointer(start: buffer, count: count))
            return count
        }
        if stream.streamEnded {
            // The member ended before the file's last region: the trailer check finds what
            // follows it and hands the file to one decoder.
            endStream(at: stream.position)
            try checkTrailer()
            return 0
        }
        guard stream.inputUsedUp else { return try streamFailed(.corrupt("ISA-L stopped before its input's end")) }
        if let stop = streamStop, let part = stop.part {
            if stream.endsBetweenBlocks(at: part.start) {
                // The part the pool inflated begins exactly here: join it.
                endStream(at: part.start)
                inFlight.removeFirst()
                if try !join(part, of: stop) {
                    try handToOneDecoder(because: "a region's markers name bytes before the stream's start")
                }
                return 0
            }
            // Its guess was no boundary: read on through its region.
        } else if let next = inFlight.first, next.index > 0, isFinishedAtRegionEnd(next), let part = next.part,
                  part.start >= stream.position {
            // The pool finished the next region while the stream inflated this one: the stream
            // goes on only up to that part's guessed start.
            stream.inputEnd = (part.start + 7) / 8
            streamStop = next
            return 0
        }
        guard let next = inFlight.first else { return try streamFailed(nil) }
        inFlight.removeFirst()
        try streamEnters(next)
        return 0
    }

    /// Inflates the rest of the stream into a part of its own, handed out once the trailer matched.
    private func streamLastRegion(_ stream: IsalStream) throws -> Int {
        var rest: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBufferPointer { try stream.read(into: $0.baseAddress!, capacity: $0.count) }
            } catch {
                return try streamFailed(error as? IsalStream.Failure ?? .unreadable)
            }
            guard count > 0 else { break }
            rest += chunk[..<count]
            guard rest.count <= limit else { return try streamFailed(.corrupt("the last region decodes to more than \(limit) bytes")) }
        }
        guard stream.streamEnded else { return try streamFailed(nil) }
        let end = stream.position
        // The stretch streamed before (if any), then this part, handed out once the trailer matched.
        endStream(at: end)
        let crc = rest.withUnsafeBytes { UInt(ContentChecksum.adding($0, to: 0)) }
        try queue(PartResolution.finished(length: rest.count, crc: crc, bytes: rest), end: end, streamEnded: true)
        return 0
    }

    /// Counts bytes the stream handed out straight into the caller's buffer: their CRC-32, and
    /// the window.
    private func streamed(_ bytes: UnsafeBufferPointer<UInt8>) {
        let crc = UInt(ContentChecksum.adding(UnsafeRawBufferPointer(bytes), to: 0))
        streamCRC = crc32_combine(streamCRC, crc, off_t(bytes.count))
        handedOutCRC = crc32_combine(handedOutCRC, crc, off_t(bytes.count))
        streamLength += bytes.count
        handedOut += bytes.count
        slideWindow(over: bytes)
    }

    /// The stream failed (`error`), or ran out of input before its end: one decoder takes over
    /// and says what is wrong.
    private func streamFailed(_ error: IsalStream.Failure?) throws -> Int {
        stream = nil
        let reason = switch error {
        case .unreadable?: "the file could not be read"
        case .corrupt(let detail)?: "ISA-L: \(detail)"
        case nil: "the stream goes on past its last region"
        }
        try handToOneDecoder(because: reason)
        return 0
    }

    /// Closes the stream's stretch, ended at bit `end`: its CRC-32 joins the others for the trailer.
    private func endStream(at end: Int) {
        let finished = PartResolution.finished(length: streamLength, crc: streamCRC)
        checksums.append(finished)
        joined += streamLength
        expected = end
        stream = nil
        streamStop = nil
    }
    #endif

    /// The trailer after the last block (ended at ``expected``): CRC-32 and length of everything,
    /// then the end of the file or another member, read on from its header; anything else hands
    /// the file to one decoder.
    private func checkTrailer() throws {
        let trailerStart = (expected + 7) / 8
        guard trailerStart + 8 <= size, let trailer = bytes(from: trailerStart, to: trailerStart + 8) else {
            return try handToOneDecoder(because: "the trailer is cut off")
        }
        let stated = trailer.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
        var crc: UInt = crc32(0, nil, 0)
        for part in checksums {
            part.waitOrResolveHere()
            guard part.resolved else {
                return try handToOneDecoder(because: "a region's markers name bytes before the stream's start")
            }
            crc = crc32_combine(crc, part.crc, off_t(part.length))
        }
        guard UInt(UInt32(littleEndian: stated.0)) == crc,
              UInt32(littleEndian: stated.1) == UInt32(truncatingIfNeeded: joined) else {
            return try handToOneDecoder(because: "the CRC-32 or length in the trailer does not match")
        }
        let after = trailerStart + 8
        var rest = ""
        if after < size {
            // Another member (gzip's magic and deflate method), this one's bytes all checked: read
            // on from its header as a stream of its own; anything else is one decoder's to judge.
            guard bytes(from: after, to: min(size, after + 3)) == [0x1F, 0x8B, 0x08] else {
                return try handToOneDecoder(because: "bytes follow the member")
            }
            pool.cancel()
            let through = (length: earlier.length + joined, crc: crc32_combine(earlier.crc, crc, off_t(joined)))
            if let next = SpeculativeGzipReader(file: file, name: name, decoders: decoders, regionBytes: regionBytes,
                                                minimumRegions: minimumRegions, share: share, memberStart: after, earlier: through,
                                                oneDecoder: oneDecoder) {
                following = next
                rest = "; the next member, from byte offset \(after), in regions too"
            } else {
                // A short member: one decoder from its header, where the header is one (any error
                // in it is reported as one decoder reading the whole file reports it).
                var header = GzipHeaderParser()
                guard let headerBytes = bytes(from: after, to: min(size, after + 64 * 1024)),
                      (try? headerBytes.withUnsafeBufferPointer({ try header.consume($0.baseAddress!, available: $0.count) })) != nil,
                      header.isComplete, file.seek(to: after) else {
                    return try handToOneDecoder(because: "the next member's header is not one to read on from")
                }
                following = try oneDecoder(file)
                rest = "; the members after it, from byte offset \(after), by one decoder"
            }
        }
        ended = true
        let threads = pool.threads == 1 ? "1 thread" : "\(pool.threads) threads"
        let regions = memberStart == 0 && following == nil ? "inflated in \(regionCount) regions"
            : "the member from byte offset \(memberStart) inflated in regions"
        DebugLog.write("\(name): \(regions): \(regionsInflatedHere) on the reading thread, \(guessesJoined) on \(threads) of the pool\(pool.whenIdle ? " (when idle)" : "") and joined at their guessed start, \(regionsRedone) inflated again\(rest)")
        inFlight.removeAll()
        pool.cancel()
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

    /// Hands the file to one decoder from its start, which skips what was handed out already (this
    /// member's bytes and the members' before it): its bytes and its error are then the reader's. The bytes it skips must be those
    /// handed out (by their CRC-32): if they are not, the run stops rather than go on from bytes
    /// one decoder would not have given.
    private func handToOneDecoder(because reason: String) throws {
        DebugLog.write("\(name): inflated by one decoder from its start after \(earlier.length + handedOut) bytes inflated in parts: \(reason)")
        wentToOneDecoder = true
        inFlight.removeAll()
        pool.cancel()
        #if ISAL
        stream = nil
        #endif
        resolving.removeAll()
        checksums.removeAll()
        guard file.seek(to: 0) else {
            throw InputError(.unreadable, file: name, problem: "cannot read the file again from its start")
        }
        let decoder = try oneDecoder(file)
        var skip = earlier.length + handedOut
        var crc: UInt = crc32(0, nil, 0)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate() }
        while skip > 0 {
            let count = try decoder.read(into: scratch, capacity: min(skip, 1 << 16))
            guard count > 0 else { throw Self.disagreement(name) }
            crc = crc32(crc, scratch, UInt32(count))
            skip -= count
        }
        guard crc == crc32_combine(earlier.crc, handedOutCRC, off_t(handedOut)) else { throw Self.disagreement(name) }
        fallback = decoder
        current = []
        served = 0
    }
}
