import Dispatch

/// Decompresses a file whose members or frames can be found without decoding (BGZF gzip, zstd
/// with several frames) on several threads, and hands out exactly the bytes one decoder would.
///
/// ```
///  file ─▶ PartFinder (reader's thread) ─▶ part 0, 1, 2 … ─▶ decoded on Dispatch's pool
///                                                            └─▶ read(into:) in part order
/// ```
/// At most ``partsInFlight`` parts are read ahead (the run's workers, at most the processors,
/// plus two), each of about 512 KiB compressed, and no new part is started while the parts in
/// flight hold ``ParallelDecoderLimits/bytesInFlight`` or more, compressed and decoded together
/// (a part that does not state its decoded size counts as the most it may decode to,
/// ``ParallelDecoderLimits/largestDecodedPart``; one that decodes to more is decoded by the
/// reader as a stream): memory stays bounded whatever the file and the machine. A part that does not
/// decode on its own (corrupt data, a CRC mismatch, a cut-off file, a size field that lies) is
/// read again from its start by one decoder, with the rest of the file: whatever that decoder
/// gives from there (its error with its offset, or its bytes) is what a reader gets, so the
/// outcome never depends on the cutting. When the finder meets a stream it cannot cut, the rest is
/// read by one decoder too.
final class ParallelDecoder<Finder: PartFinder>: ByteSource {
    private let finder: Finder
    private let name: String
    /// Parts handed to the pool, oldest first.
    private var inFlight: [Slot] = []
    let partsInFlight: Int
    /// What the parts in flight hold, compressed and decoded (as stated, or the most allowed).
    private var bytesInFlight = 0
    private var findingEnded = false
    /// The decoded part being handed out, and how much of it is.
    private var current: [UInt8] = []
    private var served = 0
    /// A one-thread decoder being read: for a part too large to decode in memory, or for the rest
    /// of the stream once the finder gave up cutting (then ``restOfStream`` is set).
    private var stream: ByteSource?
    private var restOfStream = false
    /// The end offset in the file of the parts handed out so far.
    private var consumed = 0

    /// A part in flight: its bytes, and the result set once by the work item that decodes it.
    private final class Slot: @unchecked Sendable {
        // Unchecked: `result` is behind its lock; `done` is signalled once it is set; the rest is
        // immutable.
        let result = Locked<Result<[UInt8]?, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let bytes: [UInt8]
        let base: Int
        /// The finder's rest-of-stream decoder, when this slot stands for it.
        let rest: ByteSource?
        /// The memory this part holds until it is handed out: compressed and decoded bytes.
        let held: Int
        init(bytes: [UInt8] = [], base: Int, rest: ByteSource? = nil, decodedSize: Int? = nil) {
            self.bytes = bytes
            self.base = base
            self.rest = rest
            let limit = ParallelDecoderLimits.largestDecodedPart
            held = bytes.isEmpty ? 0 : bytes.count + (decodedSize.flatMap { $0 > 0 ? min($0, limit) : nil } ?? limit)
        }
        var end: Int { base + bytes.count }
    }

    init(finder: Finder, name: String, partsInFlight: Int) {
        self.finder = finder
        self.name = name
        self.partsInFlight = max(2, partsInFlight)
    }

    /// The parts in flight when `decoders` parts may decode at once (the run's workers): at most
    /// one a processor, and two more waiting decoded.
    static func partsInFlight(decoders: Int) -> Int {
        max(1, min(decoders, ProcessorInfo.activeProcessors)) + 2
    }

    var bytesConsumed: Int {
        if restOfStream, let stream { return stream.bytesConsumed }
        return consumed
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while served == current.count {
            if let stream {
                let count = try stream.read(into: buffer, capacity: capacity)
                if count > 0 || restOfStream { return count }
                self.stream = nil
            }
            fill()
            guard !inFlight.isEmpty else { return 0 }
            let slot = inFlight.removeFirst()
            bytesInFlight -= slot.held
            if let rest = slot.rest {
                stream = rest
                restOfStream = true
                continue
            }
            slot.done.wait()
            let result = slot.result.withLock { $0 }
            consumed = slot.end
            current = []
            served = 0
            switch result {
            case nil: break
            case .success(let decoded?): current = decoded
            case .success(nil):
                // Too large to hold decoded (a bomb, a frame that does not state its size): read as
                // a stream of its own. An error inside it is thrown as that stream meets it (the
                // bytes before it are already handed out, so it cannot be read again).
                stream = try Finder.stream(slot.bytes, base: slot.base, name: name)
            case .failure:
                // A part that does not decode on its own (damaged data, a size field that does not
                // match its member) is read again, with everything after it, by one decoder: its
                // error, or its bytes, are then exactly one decoder's.
                let prefix = ([slot] + inFlight).filter { $0.rest == nil }.flatMap(\.bytes)
                inFlight.removeAll()
                bytesInFlight = 0
                findingEnded = true
                stream = try finder.sequential(from: prefix)
                restOfStream = true
            }
        }
        let count = min(capacity, current.count - served)
        current.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + served, count: count) }
        served += count
        return count
    }

    /// Finds parts and hands them to the pool until ``partsInFlight`` are in flight, they hold
    /// ``ParallelDecoderLimits/bytesInFlight`` (two parts are always allowed), or the finder has
    /// no more.
    private func fill() {
        while !findingEnded && inFlight.count < partsInFlight
                && (inFlight.count < 2 || bytesInFlight < ParallelDecoderLimits.bytesInFlight) {
            let part: CompressedPart?
            do { part = try finder.nextPart() } catch { part = .failure(error) }
            switch part {
            case nil:
                findingEnded = true
            case .rest(let stream):
                findingEnded = true
                inFlight.append(Slot(base: inFlight.last?.end ?? consumed, rest: stream))
            case .failure(let error):
                findingEnded = true
                let slot = Slot(base: inFlight.last?.end ?? consumed)
                slot.result.withLock { $0 = .failure(error) }
                slot.done.signal()
                inFlight.append(slot)
            case .bytes(let bytes, let base, let decodedSize):
                let slot = Slot(bytes: bytes, base: base, decodedSize: decodedSize)
                inFlight.append(slot)
                bytesInFlight += slot.held
                let name = name
                DispatchQueue.global().async {
                    let result = WorkerPriority.running(as: "nnpipe-inflate", niceness: nil) {
                        Result { try Finder.decode(slot.bytes, base: base, decodedSize: decodedSize, name: name) }
                    }
                    slot.result.withLock { $0 = result }
                    slot.done.signal()
                }
            }
        }
    }
}
