import Glibc

/// One worker's buffers for running a ``TransformChain`` on chunks, reused for every chunk.
final class TransformWorkspace {
    /// The features, rows × inputWidth, filled by the parser before ``TransformChain/run``.
    let features = ValueBuffer<Double>()
    fileprivate let a = ValueBuffer<Double>()
    fileprivate let b = ValueBuffer<Double>()
    fileprivate var captures: [ValueBuffer<Double>] = []
    fileprivate let rankIndices = ValueBuffer<Int32>()
    fileprivate let rankValues = ValueBuffer<Double>()
    fileprivate var scratch = ForwardScratch()
}

/// A chunk's written values after the transforms: column groups, each rows × width, row-major.
/// The pointers are the workspace's and stay valid until its next run.
struct TransformedRows {
    enum Group {
        case values(UnsafePointer<Double>, width: Int)
        case ranks(indices: UnsafePointer<Int32>, values: UnsafePointer<Double>, k: Int)
    }

    let groups: [Group]
}

extension TransformChain {
    /// Runs every stage on the first `rows` rows of `workspace.features` (which it may change).
    func run(rows: Int, in workspace: TransformWorkspace) -> TransformedRows {
        var current = workspace.features.pointer
        var width = inputWidth
        var useA = true
        var rankIndices: UnsafePointer<Int32>?
        var rankValues: UnsafePointer<Double>?
        let captureCount = captureSlots.reduce(0) { $0 + $1.count }
        while workspace.captures.count < captureCount { workspace.captures.append(ValueBuffer()) }
        for (stage, slots) in zip(stages, captureSlots) {
            switch stage {
            case .scale(let scale):
                FeatureScaling.apply(scale, to: current, rows: rows)
            case .softmax:
                for r in 0..<rows { Activation.softmax(current + r * width, count: width) }
            case .forward(let forward):
                if forward.precision == .float32 {
                    for i in 0..<(rows * width) { current[i] = Double(Float(current[i])) }
                }
                for step in forward.inputSteps {
                    step.apply(to: current, rows: rows, width: width, roundsToFloat32: forward.precision == .float32)
                }
                let network = forward.network
                let target = (useA ? workspace.a : workspace.b).reserve(rows * network.outputCount)
                useA.toggle()
                let captures = zip(forward.hiddenOutputs, slots).map { layer, slot in
                    (layer: layer, into: workspace.captures[slot].reserve(rows * network.layers[layer].units))
                }
                network.forward(current, rows: rows, into: target, captures: captures, scratch: &workspace.scratch)
                current = target
                width = network.outputCount
            case .rank(let rank):
                let indices = workspace.rankIndices.reserve(rows * rank.k)
                let values = workspace.rankValues.reserve(rows * rank.k)
                for r in 0..<rows {
                    RankStage.rank(current + r * width, width: width, k: rank.k,
                                   indices: indices + r * rank.k, values: values + r * rank.k)
                }
                rankIndices = UnsafePointer(indices)
                rankValues = UnsafePointer(values)
            }
        }
        let final = UnsafePointer(current)
        return TransformedRows(groups: groups.map { group in
            switch group {
            case .hidden(let slot, let width):
                .values(UnsafePointer(workspace.captures[slot].pointer), width: width)
            case .final(let width):
                .values(final, width: width)
            case .ranks(let k):
                .ranks(indices: rankIndices ?? UnsafePointer(workspace.rankIndices.pointer),
                       values: rankValues ?? UnsafePointer(workspace.rankValues.pointer), k: k)
            }
        })
    }
}

/// The `scale` stage on a chunk: `(x - offset) / divisor`, or `x * factor + offset` (then
/// clipped), value by value, in scikit-learn's order of operations so results are its own.
enum FeatureScaling {
    static func apply(_ scale: ScaleStageConfig, to values: UnsafeMutablePointer<Double>, rows: Int) {
        let width = scale.offset.count
        if let factor = scale.factor {
            factor.withUnsafeBufferPointer { factor in
                scale.offset.withUnsafeBufferPointer { offset in
                    for r in 0..<rows {
                        let row = values + r * width
                        // Two roundings, as numpy's `X *= scale_; X += min_` (no fused multiply-add).
                        for c in 0..<width {
                            let product = row[c] * factor[c]
                            row[c] = product + offset[c]
                        }
                    }
                }
            }
            if let clip = scale.clip {
                // np.clip: NaN stays NaN.
                for i in 0..<rows * width where !values[i].isNaN { values[i] = min(max(values[i], clip.lowerBound), clip.upperBound) }
            }
            return
        }
        scale.offset.withUnsafeBufferPointer { offset in
            scale.divisor.withUnsafeBufferPointer { divisor in
                for r in 0..<rows {
                    let row = values + r * width
                    for c in 0..<width { row[c] = (row[c] - offset[c]) / divisor[c] }
                }
            }
        }
    }
}
