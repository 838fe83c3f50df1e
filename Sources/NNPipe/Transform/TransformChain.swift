/// A pipeline's transform stages, ready to run on chunks of rows.
///
/// ```
/// features ─scale─▶ values ─forward─▶ values ─softmax─▶ values ─argmax─▶ classes
///                              └─▶ hidden layers' activations (written beside)
/// ```
/// Each stage works on the current values of all the chunk's rows at once (rows × width,
/// row-major). What is written after the carried columns: the hidden layers asked for, in stage
/// order, then the last stage's values (unless the last stage drops them), then the classes.
public struct TransformChain: Sendable {
    public let stages: [TransformStageConfig]
    /// Values each row enters with (the features).
    public let inputWidth: Int
    /// Values each row leaves the last stage with.
    public let outputWidth: Int
    /// The columns written after the carried ones, by default.
    public let valueColumnNames: [String]
    /// For each of ``valueColumnNames``, the index in `stages` of the stage that names it.
    public let valueColumnStages: [Int]

    /// Where each written column group comes from.
    enum Group {
        /// A forward stage's hidden layer, captured into the workspace's capture `slot`.
        case hidden(slot: Int, width: Int)
        /// The last stage's values.
        case final(width: Int)
        /// The rank stage's classes and values.
        case ranks(k: Int)
    }

    let groups: [Group]
    /// Capture slots per stage, for forward stages with hidden outputs.
    let captureSlots: [[Int]]

    /// Builds the chain; the stages' widths must chain (checked by ``PipelineLoader``).
    public init(stages: [TransformStageConfig], inputWidth: Int) {
        self.stages = stages
        self.inputWidth = inputWidth
        var width = inputWidth
        var groups: [Group] = []
        var names: [String] = []
        var nameStages: [Int] = []
        var captureSlots: [[Int]] = []
        var slot = 0
        var tail: [Group] = []
        var tailNames: [String] = []
        var tailStages: [Int] = []
        for (stageIndex, stage) in stages.enumerated() {
            var slots: [Int] = []
            switch stage {
            case .scale, .softmax:
                break
            case .forward(let forward):
                for index in forward.hiddenOutputs {
                    let layer = forward.network.layers[index]
                    groups.append(.hidden(slot: slot, width: layer.units))
                    let prefix = layer.name ?? "h\(index)"
                    names += (0..<layer.units).map { "\(prefix)_\($0)" }
                    nameStages += Array(repeating: stageIndex, count: layer.units)
                    slots.append(slot)
                    slot += 1
                }
                width = forward.network.outputCount
                if forward.keepsFinal {
                    tail = [.final(width: width)]
                    tailNames = (0..<width).map { "y\($0)" }
                    tailStages = Array(repeating: stageIndex, count: width)
                } else {
                    tail = []
                    tailNames = []
                    tailStages = []
                }
            case .rank(let rank):
                tail = rank.keepValues ? tail : []
                tailNames = rank.keepValues ? tailNames : []
                tailStages = rank.keepValues ? tailStages : []
                tail.append(.ranks(k: rank.k))
                tailNames += rank.k == 1 ? ["class", "probability"]
                    : (1...rank.k).flatMap { ["class_\($0)", "probability_\($0)"] }
                tailStages += Array(repeating: stageIndex, count: 2 * rank.k)
            }
            captureSlots.append(slots)
        }
        self.groups = groups + tail
        self.captureSlots = captureSlots
        outputWidth = width
        valueColumnNames = names + tailNames
        valueColumnStages = nameStages + tailStages
    }

    /// The layers of every forward stage, in order.
    public var layers: [DenseLayer] {
        stages.flatMap { stage -> [DenseLayer] in
            if case .forward(let forward) = stage { return forward.network.layers }
            return []
        }
    }

    /// The rank stage's class labels, if it has labels.
    public var labels: [String]? {
        for case .rank(let rank) in stages { return rank.labels }
        return nil
    }
}
