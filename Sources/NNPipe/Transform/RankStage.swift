/// The `argmax` and `top_k` stages on one row: the indices of the k largest values, largest
/// first, ties to the lower index (numpy's `argmax`, and `argsort(-x, kind="stable")[:k]`); a
/// NaN counts as larger than any number, as in numpy's `argmax`.
enum RankStage {
    static func rank(_ row: UnsafePointer<Double>, width: Int, k: Int,
                     indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>) {
        for slot in 0..<k {
            var best = -1
            for u in 0..<width where !(0..<slot).contains(where: { indices[$0] == Int32(u) }) {
                if best < 0 || ranksAbove(row[u], row[best]) { best = u }
            }
            indices[slot] = Int32(best)
            values[slot] = row[best]
        }
    }

    /// Whether `a` ranks strictly above `b`.
    @inline(__always)
    static func ranksAbove(_ a: Double, _ b: Double) -> Bool {
        if b.isNaN { return false }
        return a.isNaN || a > b
    }
}
