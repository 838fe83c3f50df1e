/// The orders in which layers chain by shape: layer A can come just before B when A's units are
/// B's inputs. Each layer is distinct, even when two have the same shape (their weights differ),
/// so two 64→64 layers can always swap and make any chain through them ambiguous.
///
/// Counts the chains (permutations of all the layers) with a dynamic program over subsets:
/// `count[mask][last]` is the number of chains through exactly the layers in `mask` ending at
/// `last`, capped at 2 since only "none", "one" and "more" matter. 2^n · n² steps: instant up
/// to ``maxLayers`` layers.
enum ShapeChain {
    /// The most layers ordered by shape (2^16 · 16 counts).
    static let maxLayers = 16

    /// What the shapes say about the order.
    enum Result: Equatable {
        /// No order of the layers chains.
        case none
        /// Exactly one order chains: the layers' indices in it.
        case unique([Int])
        /// Two or more orders chain.
        case ambiguous
        /// More than ``maxLayers`` layers: not counted.
        case tooMany
    }

    /// The chains through all of the layers whose shapes are `shapes` (inputs, units).
    static func chains(_ shapes: [(inputs: Int, units: Int)]) -> Result {
        let n = shapes.count
        guard n > 0 else { return .none }
        guard n <= maxLayers else { return .tooMany }
        let full = (1 << n) - 1
        // count[mask * n + last], each 0, 1 or 2 (meaning two or more).
        var count = [UInt8](repeating: 0, count: (1 << n) * n)
        for layer in 0..<n { count[(1 << layer) * n + layer] = 1 }
        for mask in 1...full {
            for last in 0..<n where count[mask * n + last] != 0 {
                for next in 0..<n where mask & (1 << next) == 0 && shapes[last].units == shapes[next].inputs {
                    let index = (mask | 1 << next) * n + next
                    count[index] = min(2, count[index] + count[mask * n + last])
                }
            }
        }
        var total = 0
        for last in 0..<n { total = min(2, total + Int(count[full * n + last])) }
        switch total {
        case 0: return .none
        case 1: break
        default: return .ambiguous
        }
        // Exactly one chain: walk it back from its only last layer.
        var mask = full
        guard var last = (0..<n).first(where: { count[full * n + $0] != 0 }) else { return .none }
        var reversed = [last]
        while mask != 1 << last {
            let rest = mask & ~(1 << last)
            guard let previous = (0..<n).first(where: {
                rest & (1 << $0) != 0 && count[rest * n + $0] != 0 && shapes[$0].units == shapes[last].inputs
            }) else { return .none }
            reversed.append(previous)
            mask = rest
            last = previous
        }
        return .unique(reversed.reversed())
    }
}
