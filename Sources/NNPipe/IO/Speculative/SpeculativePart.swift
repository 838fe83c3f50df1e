/// A part of a one-member gzip stream decoded before the window before it is known.
///
/// The part's first block boundary is guessed (``DeflateBlockFinder``) and the part is inflated
/// twice from there, each time with a stand-in window: ``windowA`` holds the low byte of each
/// position, ``windowB`` a byte that differs from it at every position and with it names the
/// position. A byte that comes from the window (directly or through copies of copies) differs
/// between the two runs and names the window position it comes from; a byte that is the same in
/// both is the data's own. Once the real window is known the marked bytes are filled in
/// (``resolved(with:)``). The guess is trusted only when the part before it, decoded for real,
/// ends exactly at its start (``SpeculativeGzipReader``).
struct SpeculativePart {
    /// The bit position (in the file) the part was decoded from.
    let start: Int
    /// The run with ``windowA``: its bytes, where it ended, whether the stream ended in it.
    let run: RawInflateRun
    /// Offsets in ``run``'s output of the bytes that come from the window, and which window
    /// position each comes from.
    let markedOffsets: [Int32]
    let markedPositions: [UInt16]

    static let windowSize = 32 * 1024
    static let windowA: [UInt8] = (0..<windowSize).map { UInt8($0 & 0xFF) }
    static let windowB: [UInt8] = (0..<windowSize).map { UInt8((($0 >> 8) + ($0 & 0xFF) + 1) & 0xFF) }

    /// Decodes the part of `bytes` (the file's bytes from offset `base`) whose first block starts
    /// in bits `[from, to)`, up to the first boundary at or after `to`; nil when no candidate
    /// start decodes that far.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, base: Int, from: Int, to: Int, limit: Int,
                       trials: Int = 64) -> SpeculativePart? {
        var position = from
        var tried = 0
        while tried < trials, let found = DeflateBlockFinder.candidate(in: bytes, from: position - base * 8, to: to - base * 8) {
            let candidate = found + base * 8
            tried += 1
            let first = windowA.withUnsafeBufferPointer {
                RawInflateRun.run(bytes, base: base, from: candidate, dictionary: $0, stopAtOrAfter: to, limit: limit)
            }
            if first.ranOut { return nil }
            guard first.failure == nil else {
                position = candidate + 1
                continue
            }
            let second = windowB.withUnsafeBufferPointer {
                RawInflateRun.run(bytes, base: base, from: candidate, dictionary: $0, stopAtOrAfter: to, limit: limit)
            }
            guard second.failure == nil, second.end == first.end, second.output.count == first.output.count else { return nil }
            var offsets: [Int32] = []
            var positions: [UInt16] = []
            for i in 0..<first.output.count where first.output[i] != second.output[i] {
                let low = Int(first.output[i]), high = (Int(second.output[i]) - low - 1) & 0xFF
                guard high < 128 else { return nil }
                offsets.append(Int32(i))
                positions.append(UInt16(high << 8 | low))
            }
            return SpeculativePart(start: candidate, run: first, markedOffsets: offsets, markedPositions: positions)
        }
        return nil
    }

    /// The part's bytes with the window's filled in from `window` (the real last bytes before the
    /// part, the most recent last); nil when a byte names a position before the stream's start.
    func resolved(with window: [UInt8]) -> [UInt8]? {
        var bytes = run.output
        let missing = Self.windowSize - window.count
        for (offset, position) in zip(markedOffsets, markedPositions) {
            let index = Int(position) - missing
            guard index >= 0 else { return nil }
            bytes[Int(offset)] = window[index]
        }
        return bytes
    }
}
