/// The `threshold` stage, for binary classifiers: one of the values (a probability) against a
/// cut-off gives a label per row: the second label where the value is at or above the cut-off,
/// the first otherwise (a NaN too), as numpy's `np.where(p >= cutoff, 1, 0)`. It must be the last
/// stage before `write`.
///
/// ```yaml
///   - threshold: {column: 1, cutoff: 0.3, labels: [healthy, faulty], keep_activations: true}
///   - threshold:            # one value per row (a sigmoid output): 0 below 0.5, 1 at or above
/// ```
/// `column` is the value's 0-based index among those the stage before gives (needed only when
/// it gives more than one); `cutoff` is 0.5 and `labels` `[0, 1]` unless given. Writes the
/// column `label`, after the values when `keep_activations` is true.
struct ThresholdStage: Stage {
    static let keys = ["column", "cutoff", "labels", "keep_activations"]

    /// The value compared, by 0-based index; nil for the only one.
    var column: Int?
    var cutoff = 0.5
    /// The label below the cut-off, then the one at or above it.
    var labels = ["0", "1"]
    /// Whether the values are written too, before the label.
    var keepValues = false

    var kind: String { "threshold" }

    func link(_ link: inout StageLink) {
        if !link.isLast { link.report("threshold must be the last stage before write") }
        if let width = link.inputWidth {
            if let column, column >= width {
                link.report("column is \(column) but \(link.inputOrigin) (0-based: 0 to \(width - 1))")
            } else if column == nil, width != 1 {
                link.report("\(link.inputOrigin): choose the one compared with column (0-based)")
            }
        }
        if !keepValues { link.dropValues() }
        link.writeAfterValues(group: 0, names: ["label"])
    }

    var descriptionLines: [String] {
        let shown = labels.map { $0.contains(",") ? "\"\($0)\"" : $0 }
        return ["  threshold value \(column ?? 0) >= \(cutoff): \(shown[1]), else \(shown[0])\(keepValues ? ", values kept" : "")"]
    }

    var reportFields: [String: Any] {
        ["column": column ?? 0, "cutoff": cutoff, "labels": labels, "keep_values": keepValues]
    }

    func makeWorker(delimiter: UInt8) -> any StageWorker {
        Worker(column: column ?? 0, cutoff: cutoff, labels: ClassLabels(labels, delimiter: delimiter))
    }

    private final class Worker: StageWorker {
        let column: Int
        let cutoff: Double
        let labels: ClassLabels
        let indices = ValueBuffer<Int32>()

        init(column: Int, cutoff: Double, labels: ClassLabels) {
            self.column = column
            self.cutoff = cutoff
            self.labels = labels
        }

        func run(_ values: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 groups: inout [ColumnGroup]) -> UnsafeMutablePointer<Double> {
            let indices = indices.reserve(rows)
            for r in 0..<rows { indices[r] = values[r * width + column] >= cutoff ? 1 : 0 }
            groups = [.classes(indices: UnsafePointer(indices), scores: nil, k: 1, labels: labels)]
            return values
        }
    }

    @Sendable static func load(_ cursor: YAMLCursor, _ context: LoadContext) -> (any Stage)? {
        var stage = ThresholdStage()
        if case .scalar = cursor.node, cursor.isNull { return stage }
        guard let keys = cursor.mapping(allowed: Self.keys) else { return nil }
        var ok = true
        if let columnCursor = keys["column"] {
            if let column = columnCursor.int(in: 0...Int(Int32.max)) { stage.column = column } else { ok = false }
        }
        if let cutoffCursor = keys["cutoff"] {
            if let cutoff = cutoffCursor.double() {
                if cutoff.isFinite {
                    stage.cutoff = cutoff
                } else {
                    cutoffCursor.report("the cut-off must be a finite number")
                    ok = false
                }
            } else {
                ok = false
            }
        }
        if let labelsCursor = keys["labels"] {
            if let elements = labelsCursor.sequence() {
                let labels = elements.compactMap { $0.string() }
                if labels.count != elements.count {
                    ok = false
                } else if labels.count != 2 {
                    labelsCursor.report("lists \(labels.count) labels; give two: the label below the cut-off, then the one at or above it")
                    ok = false
                } else if labels[0] == labels[1] {
                    labelsCursor.report("both labels are '\(labels[0])'; give two different labels")
                    ok = false
                } else {
                    stage.labels = labels
                }
            } else {
                ok = false
            }
        }
        if let keep = keys["keep_activations"] {
            if let value = keep.bool() { stage.keepValues = value } else { ok = false }
        }
        return ok ? stage : nil
    }
}
