import Foundation

/// The `scale` stage: `(x - offset) / divisor` per value, which is standardization
/// (`mean`, `scale`, as scikit-learn's `StandardScaler` stores them) or min-max scaling
/// (`offset` = min, `divisor` = max - min); or, with `factor`, `x * factor + offset`, in that
/// order, as scikit-learn's `MinMaxScaler.transform` computes it from `scale_` and `min_`, then
/// clipped to `clip` when given (`clip=True`).
///
/// ```yaml
///   - scale: {mean: [5.84, 3.05], scale: [0.83, 0.43]}   # or {min: [...], max: [...]}, or {file: scaler.json}
/// ```
struct ScaleStage: Stage {
    static let keys = ["mean", "scale", "min", "max", "file"]

    var offset: [Double]
    var divisor: [Double]
    /// `standard` or `min-max`, for messages and `validate`.
    var method: String
    /// Where the numbers came from (`inline` or the file).
    var source: String
    /// When set, values become `x * factor + offset` (and `divisor` is unused).
    var factor: [Double]?
    /// The range results are clipped to (`MinMaxScaler(clip=True)`), if any.
    var clip: ClosedRange<Double>?

    var kind: String { "scale" }

    func link(_ link: inout StageLink) {
        if let width = link.inputWidth, width != offset.count {
            link.report("scales \(offset.count) values but \(link.inputOrigin)")
        }
    }

    var descriptionLines: [String] { ["  scale   \(method), \(offset.count) values (\(source))"] }

    var reportFields: [String: Any] { ["method": method, "source": source] }

    func makeWorker(delimiter: UInt8) -> any StageWorker { Worker(stage: self) }

    /// Works in place, value by value, in scikit-learn's order of operations so results are its own.
    private final class Worker: StageWorker {
        let stage: ScaleStage
        init(stage: ScaleStage) { self.stage = stage }

        func run(_ values: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 groups: inout [ColumnGroup]) -> UnsafeMutablePointer<Double> {
            stage.apply(to: values, rows: rows)
            return values
        }
    }

    /// `rows` rows of values (rows × offset.count, row-major), scaled in place.
    func apply(to values: UnsafeMutablePointer<Double>, rows: Int) {
        let width = offset.count
        if let factor {
            factor.withUnsafeBufferPointer { factor in
                offset.withUnsafeBufferPointer { offset in
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
            if let clip {
                // np.clip: NaN stays NaN.
                for i in 0..<rows * width where !values[i].isNaN { values[i] = min(max(values[i], clip.lowerBound), clip.upperBound) }
            }
            return
        }
        offset.withUnsafeBufferPointer { offset in
            divisor.withUnsafeBufferPointer { divisor in
                for r in 0..<rows {
                    let row = values + r * width
                    for c in 0..<width { row[c] = (row[c] - offset[c]) / divisor[c] }
                }
            }
        }
    }

    // MARK: Loading

    @Sendable static func load(_ cursor: YAMLCursor, _ context: LoadContext) -> (any Stage)? {
        guard let keys = cursor.mapping(allowed: Self.keys) else { return nil }
        let given = Self.keys.filter { keys[$0] != nil }
        switch Set(given) {
        case ["mean", "scale"]:
            guard let mean = keys["mean"]?.numbers(), let scale = keys["scale"]?.numbers() else { return nil }
            return make(offset: mean, divisor: scale, method: "standard", source: "inline",
                        names: ("mean", "scale"), report: cursor.report)
        case ["min", "max"]:
            guard let low = keys["min"]?.numbers(), let high = keys["max"]?.numbers() else { return nil }
            guard low.count == high.count else {
                cursor.report("min has \(low.count) values but max has \(high.count)")
                return nil
            }
            return make(offset: low, divisor: ranges(low, high), method: "min-max", source: "inline",
                        names: ("min", "max - min"), report: cursor.report)
        case ["file"]:
            guard let fileCursor = keys["file"], let path = fileCursor.nonEmptyString() else { return nil }
            context.diagnostics.noteRead(context.resolve(path, at: fileCursor), role: "scaler file", at: fileCursor)
            do {
                return try scalerFile(context.resolve(path, at: fileCursor))
            } catch let error as ModelError {
                fileCursor.report("cannot load the scaler: \(error.message)", status: .config)
            } catch {
                fileCursor.report("cannot load the scaler: \(error)", status: .config)
            }
            return nil
        default:
            cursor.report("give mean and scale (standardization), min and max (min-max scaling), or file; found "
                + (given.isEmpty ? "none" : given.joined(separator: ", ")))
            return nil
        }
    }

    /// max - min per value, and 1 where they are equal (a constant feature), as scikit-learn's
    /// `MinMaxScaler` divides by 1 there.
    static func ranges(_ low: [Double], _ high: [Double]) -> [Double] {
        zip(low, high).map { low, high in high == low ? 1 : high - low }
    }

    private static func make(offset: [Double], divisor: [Double], method: String, source: String,
                             names: (String, String), report: (String) -> Void) -> ScaleStage? {
        guard !offset.isEmpty, offset.count == divisor.count else {
            report("\(names.0) has \(offset.count) values but \(names.1) has \(divisor.count); both need one per value")
            return nil
        }
        if let bad = offset.firstIndex(where: { !$0.isFinite }) ?? divisor.firstIndex(where: { !$0.isFinite }) {
            report("value \(bad) is not a finite number")
            return nil
        }
        if let zero = divisor.firstIndex(of: 0) {
            report("\(names.1) is 0 for value \(zero): it would divide by zero (scikit-learn writes 1 there)")
            return nil
        }
        return ScaleStage(offset: offset, divisor: divisor, method: method, source: source)
    }

    /// A scaler file: JSON `{"mean": [...], "scale": [...]}` or `{"min": [...], "max": [...]}`, or
    /// scikit-learn's own attributes (``ScikitLearnScaler``).
    private static func scalerFile(_ path: String) throws -> ScaleStage {
        let root = try FileContents.json(path, name: path, what: "file")
        guard case .object(let members) = root else {
            throw ModelError(file: path, problem: "expected a JSON object with mean and scale, or min and max")
        }
        if ScikitLearnScaler.isScikitLearn(members) { return try ScikitLearnScaler.config(members, path: path) }
        var lists: [String: [Double]] = [:]
        for (key, value) in members {
            guard Self.keys.dropLast().contains(key) else {
                throw ModelError(file: path, path: key, problem: "unknown key; a scaler has mean and scale, or min and max")
            }
            guard case .array(let elements) = value else { throw ModelError(file: path, path: key, problem: "expected a list of numbers") }
            lists[key] = try elements.enumerated().map { index, element in
                guard case .number(let number) = element else {
                    throw ModelError(file: path, path: "\(key)[\(index)]", problem: "expected a number, found \(element.kindName)")
                }
                return number
            }
        }
        var problem: String?
        let stage: ScaleStage?
        switch (lists["mean"], lists["scale"], lists["min"], lists["max"]) {
        case (let mean?, let scale?, nil, nil):
            stage = make(offset: mean, divisor: scale, method: "standard", source: path,
                         names: ("mean", "scale"), report: { problem = $0 })
        case (nil, nil, let low?, let high?) where low.count == high.count:
            stage = make(offset: low, divisor: ranges(low, high), method: "min-max", source: path,
                         names: ("min", "max - min"), report: { problem = $0 })
        default:
            throw ModelError(file: path, problem: "expected mean and scale, or min and max, with the same number of values")
        }
        guard let stage else { throw ModelError(file: path, problem: problem ?? "unusable scaler") }
        return stage
    }
}
