/// The symbols a ``MarkerInflate`` decoded, in the buffer it wrote them to, freed with the last
/// reference to it.
final class SymbolBuffer: @unchecked Sendable {
    // Unchecked: written by one decoder before the buffer is made, only read after.
    private let base: UnsafeMutablePointer<UInt16>?
    let count: Int

    init() {
        base = nil
        count = 0
    }

    /// Owns `base` (allocated with `UnsafeMutablePointer.allocate`) from now on.
    init(taking base: UnsafeMutablePointer<UInt16>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { base?.deallocate() }

    /// `body` over the symbols, the buffer alive meanwhile.
    func withSymbols<R>(_ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }

    /// A copy of the symbols.
    var array: [UInt16] { withSymbols { Array($0) } }
}
