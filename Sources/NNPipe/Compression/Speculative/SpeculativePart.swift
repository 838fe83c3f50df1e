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
    /// The bytes of the run with ``windowB``: where they differ from ``run``'s, the byte comes
    /// from the window.
    let other: [UInt8]

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
            return SpeculativePart(start: candidate, run: first, other: second.output)
        }
        return nil
    }

    /// The part's bytes from `offset` on, with the window's filled in from `window` (the real last
    /// bytes before the part, the most recent last); nil when a byte names a position before the
    /// stream's start.
    func resolved(from offset: Int = 0, with window: [UInt8]) -> [UInt8]? {
        var bytes = Array(run.output[offset...])
        let missing = Self.windowSize - window.count
        let filled = bytes.withUnsafeMutableBufferPointer { out in
            other.withUnsafeBufferPointer { other in
                window.withUnsafeBufferPointer { window in
                    guard let a = out.baseAddress, let b = other.baseAddress else { return true }
                    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b + offset)
                    let count = out.count
                    var i = 0
                    while i < count {
                        // Runs of the data's own bytes are the same in both: skip a word at a time.
                        if i + 8 <= count, rawA.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            == rawB.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                            i += 8
                            continue
                        }
                        let end = min(i + 8, count)
                        while i < end {
                            let low = Int(a[i]), mark = Int(b[offset + i])
                            if low != mark {
                                let index = ((mark - low - 1) & 0xFF) << 8 | low
                                guard index < Self.windowSize, index >= missing else { return false }
                                a[i] = window[index - missing]
                            }
                            i += 1
                        }
                    }
                    return true
                }
            }
        }
        return filled ? bytes : nil
    }
}
