/// A part of a one-member gzip stream decoded before the window before it is known.
///
/// The part's first block boundary is guessed (``DeflateBlockFinder``) and the part is inflated
/// from there in one pass with the window unknown (``MarkerInflate``): each byte that comes from
/// the window, directly or through copies of copies, is a marker naming the window position it
/// comes from. Once the real window is known the markers are replaced (``resolved(from:with:)``).
/// The guess is trusted only when the part before it, decoded for real, ends exactly at its start
/// (``SpeculativeGzipReader``).
struct SpeculativePart {
    /// The bit position (in the file) the part was decoded from.
    let start: Int
    /// The symbols (bytes and markers), where decoding ended, whether the stream ended in it.
    let run: MarkerInflate

    static let windowSize = MarkerInflate.windowSize

    /// The number of bytes the part decodes to.
    var count: Int { run.symbols.count }

    /// Decodes the part of `bytes` (the file's bytes from offset `base`) whose first block starts
    /// in bits `[from, to)`, up to the first boundary at or after `to`; nil when no candidate
    /// start decodes that far.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, base: Int, from: Int, to: Int, limit: Int,
                       trials: Int = 64, storage: SymbolStorage? = nil) -> SpeculativePart? {
        var position = from
        var tried = 0
        while tried < trials, let found = DeflateBlockFinder.candidate(in: bytes, from: position - base * 8, to: to - base * 8) {
            let candidate = found + base * 8
            tried += 1
            let run = MarkerInflate.run(bytes, base: base, from: candidate, stopAtOrAfter: to, limit: limit, storage: storage)
            // Out of bytes, or past the limit (text that compresses that well is better read by
            // one decoder than tried again from the next candidate).
            if run.ranOut || run.overLimit { return nil }
            guard run.failure == nil else {
                position = candidate + 1
                continue
            }
            return SpeculativePart(start: candidate, run: run)
        }
        return nil
    }

    /// The part's bytes from `offset` on, with the markers replaced from `window` (the real last
    /// bytes before the part, the most recent last); nil when a marker names a position before
    /// the stream's start.
    func resolved(from offset: Int = 0, with window: [UInt8]) -> [UInt8]? {
        let count = run.symbols.count - offset
        guard count > 0 else { return [] }
        let missing = Self.windowSize - window.count
        // Every symbol's byte, bytes and markers alike: one load a symbol, no branch.
        var table = [UInt8](repeating: 0, count: 256 + Self.windowSize)
        for byte in 0..<256 { table[byte] = UInt8(byte) }
        table.replaceSubrange((256 + missing)..., with: window)
        var valid = true
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            run.symbols.withSymbols { symbols in
                table.withUnsafeBufferPointer { table in
                    let from = symbols.baseAddress! + offset, lookup = table.baseAddress!
                    for i in 0..<count { out[i] = lookup[Int(from[i])] }
                    // Near the stream's start the window is shorter: no marker may name what is not there.
                    if missing > 0 {
                        for i in 0..<count where (256..<(256 + missing)).contains(Int(from[i])) { valid = false }
                    }
                }
            }
            initialized = count
        }
        return valid ? bytes : nil
    }
}
