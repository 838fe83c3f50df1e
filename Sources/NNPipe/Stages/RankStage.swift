import Foundation

/// The `argmax` and `top_k` stages: the k largest values of each row, as class indices (or
/// labels) and their values, largest first, ties to the lower index (numpy's `argmax`, and
/// `argsort(-x, kind="stable")[:k]`); a NaN counts as larger than any number, as in numpy's
/// `argmax`. It must be the last stage before `write`.
///
/// ```yaml
///   - argmax: {labels: [setosa, versicolor, virginica]}
///   - top_k: {k: 3, labels_file: labels.txt, keep_activations: true}
/// ```
struct RankStage: Stage {
    static let keys = ["k", "labels", "labels_file", "keep_activations"]

    var k: Int
    /// Written as `argmax` (k is 1).
    var isArgmax: Bool
    /// Class labels by index, or nil to write the index.
    var labels: [String]?
    /// Whether the values ranked are written too, before the class columns.
    var keepValues: Bool

    var kind: String { k == 1 && isArgmax ? "argmax" : "top_k" }

    func link(_ link: inout StageLink) {
        if !link.isLast { link.report("\(kind) must be the last stage before write") }
        if let width = link.inputWidth, k > width { link.report("k is \(k) but \(link.inputOrigin)") }
        if let width = link.inputWidth, let labels, labels.count != width {
            let origin = link.inputOrigin.replacingOccurrences(of: "the stage before gives", with: "the values")
            link.report("\(labels.count) labels for \(width) classes (\(origin))")
        }
        if !keepValues { link.dropValues() }
        link.writeAfterValues(group: 0, names: k == 1 ? ["class", "probability"]
            : (1...k).flatMap { ["class_\($0)", "probability_\($0)"] })
    }

    var descriptionLines: [String] {
        let labels = labels.map { "labels " + $0.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ", ") } ?? "class indices"
        return ["  \(kind)\(isArgmax ? " " : "   ")k \(k), \(labels)\(keepValues ? ", values kept" : "")"]
    }

    var reportFields: [String: Any] {
        ["k": k, "labels": labels.map { $0 as Any } ?? NSNull(), "keep_values": keepValues]
    }

    func makeWorker(delimiter: UInt8) -> any StageWorker { Worker(k: k, labels: ClassLabels(labels, delimiter: delimiter)) }

    private final class Worker: StageWorker {
        let k: Int
        let labels: ClassLabels
        let indices = ValueBuffer<Int32>()
        let values = ValueBuffer<Double>()

        init(k: Int, labels: ClassLabels) {
            self.k = k
            self.labels = labels
        }

        func run(_ rowValues: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 groups: inout [ColumnGroup]) -> UnsafeMutablePointer<Double> {
            let indices = indices.reserve(rows * k)
            let values = values.reserve(rows * k)
            for r in 0..<rows {
                RankStage.rank(rowValues + r * width, width: width, k: k, indices: indices + r * k, values: values + r * k)
            }
            groups = [.classes(indices: UnsafePointer(indices), scores: UnsafePointer(values), k: k, labels: labels)]
            return rowValues
        }
    }

    /// The indices of one row's `k` largest values, and those values, largest first.
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

    // MARK: Loading

    static func load(_ cursor: YAMLCursor, _ context: LoadContext, isArgmax: Bool) -> (any Stage)? {
        var rank = RankStage(k: 1, isArgmax: isArgmax, labels: nil, keepValues: false)
        if isArgmax, case .scalar = cursor.node, cursor.isNull { return rank }
        let allowed = isArgmax ? Self.keys.filter { $0 != "k" } : Self.keys
        guard let keys = cursor.mapping(allowed: allowed, required: isArgmax ? [] : ["k"]) else { return nil }
        var ok = true
        if !isArgmax {
            if let k = keys["k"]?.int(in: 1...10_000) { rank.k = k } else { ok = false }
        }
        if let keep = keys["keep_activations"] {
            if let value = keep.bool() { rank.keepValues = value } else { ok = false }
        }
        switch (keys["labels"], keys["labels_file"]) {
        case (let list?, nil):
            if let names = list.sequence()?.compactMap({ $0.string() }), names.count == list.sequence()?.count {
                rank.labels = names
            } else {
                ok = false
            }
        case (nil, let file?):
            if let path = file.nonEmptyString() {
                let resolved = context.resolve(path, at: file)
                context.diagnostics.noteRead(resolved, role: "labels file", at: file)
                if let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) {
                    rank.labels = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
                    while rank.labels?.last?.isEmpty == true { rank.labels?.removeLast() }
                } else {
                    file.report("cannot read the labels file \(resolved) (one label per line, UTF-8)", status: .config)
                    ok = false
                }
            } else {
                ok = false
            }
        case (.some, .some):
            cursor.reportConflict("give either labels (a list) or labels_file, not both", among: [keys["labels"], keys["labels_file"]])
            ok = false
        case (nil, nil):
            break
        }
        return ok ? rank : nil
    }
}
