/// The symbols a ``MarkerInflate`` decoded, in the buffer it wrote them to, freed with the last
/// reference to it.
final class SymbolBuffer: @unchecked Sendable {
    // Unchecked: written by one decoder before the buffer is made, only read after.
    private let base: UnsafeMutablePointer<UInt16>?
    let count: Int
    /// Where `base` goes back to; nil when it was allocated with `UnsafeMutablePointer.allocate`.
    private let storage: SymbolStorage?

    init() {
        base = nil
        count = 0
        storage = nil
    }

    /// Owns `base` from now on: taken from `storage`, or, without one, allocated with
    /// `UnsafeMutablePointer.allocate`.
    init(taking base: UnsafeMutablePointer<UInt16>, count: Int, from storage: SymbolStorage? = nil) {
        self.base = base
        self.count = count
        self.storage = storage
    }

    deinit {
        guard let base else { return }
        if let storage { storage.give(base) } else { base.deallocate() }
    }

    /// `body` over the symbols, the buffer alive meanwhile.
    func withSymbols<R>(_ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }

    /// A copy of the symbols.
    var array: [UInt16] { withSymbols { Array($0) } }
}
