import Foundation

/// The transform stages' keys in a pipeline file: `scale`, `forward`'s options, `softmax`,
/// `argmax` and `top_k`.
extension PipelineLoader.Context {
    static let scaleKeys = ["mean", "scale", "min", "max", "file"]
    static let rankKeys = ["k", "labels", "labels_file", "keep_activations"]

    func transformStage(kind: String, _ cursor: YAMLCursor) -> TransformStageConfig? {
        switch kind {
        case "scale": scaleStage(cursor).map(TransformStageConfig.scale)
        case "forward": forwardStage(cursor).map(TransformStageConfig.forward)
        case "softmax": emptyStage(cursor) ? .softmax : nil
        case "argmax": rankStage(cursor, isArgmax: true).map(TransformStageConfig.rank)
        default: rankStage(cursor, isArgmax: false).map(TransformStageConfig.rank)
        }
    }

    /// `- softmax:` takes no options (`softmax: {}` is accepted too).
    private func emptyStage(_ cursor: YAMLCursor) -> Bool {
        switch cursor.node {
        case .scalar(let scalar) where scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null": return true
        case .mapping(let mapping) where mapping.isEmpty: return true
        default:
            cursor.report("this stage takes no options")
            return false
        }
    }

    // MARK: scale

    private func scaleStage(_ cursor: YAMLCursor) -> ScaleStageConfig? {
        guard let keys = cursor.mapping(allowed: Self.scaleKeys) else { return nil }
        let given = Self.scaleKeys.filter { keys[$0] != nil }
        switch Set(given) {
        case ["mean", "scale"]:
            guard let mean = keys["mean"].flatMap(numbers), let scale = keys["scale"].flatMap(numbers) else { return nil }
            return scaleConfig(offset: mean, divisor: scale, method: "standard", source: "inline",
                               names: ("mean", "scale"), report: cursor.report)
        case ["min", "max"]:
            guard let low = keys["min"].flatMap(numbers), let high = keys["max"].flatMap(numbers) else { return nil }
            guard low.count == high.count else {
                cursor.report("min has \(low.count) values but max has \(high.count)")
                return nil
            }
            return scaleConfig(offset: low, divisor: Self.ranges(low, high), method: "min-max", source: "inline",
                               names: ("min", "max - min"), report: cursor.report)
        case ["file"]:
            guard let fileCursor = keys["file"], let path = fileCursor.nonEmptyString() else { return nil }
            diagnostics.noteRead(resolve(path, at: fileCursor), role: "scaler file", at: fileCursor)
            do {
                return try scalerFile(resolve(path, at: fileCursor))
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

    private func scaleConfig(offset: [Double], divisor: [Double], method: String, source: String,
                             names: (String, String), report: (String) -> Void) -> ScaleStageConfig? {
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
        return ScaleStageConfig(offset: offset, divisor: divisor, method: method, source: source)
    }

    /// A scaler file: JSON `{"mean": [...], "scale": [...]}` or `{"min": [...], "max": [...]}`, or
    /// scikit-learn's own attributes (``ScikitLearnScaler``).
    private func scalerFile(_ path: String) throws -> ScaleStageConfig {
        let root = try FileContents.json(path, name: path, what: "file")
        guard case .object(let members) = root else {
            throw ModelError(file: path, problem: "expected a JSON object with mean and scale, or min and max")
        }
        if ScikitLearnScaler.isScikitLearn(members) { return try ScikitLearnScaler.config(members, path: path) }
        var lists: [String: [Double]] = [:]
        for (key, value) in members {
            guard Self.scaleKeys.dropLast().contains(key) else {
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
        let config: ScaleStageConfig?
        switch (lists["mean"], lists["scale"], lists["min"], lists["max"]) {
        case (let mean?, let scale?, nil, nil):
            config = scaleConfig(offset: mean, divisor: scale, method: "standard", source: path,
                                 names: ("mean", "scale"), report: { problem = $0 })
        case (nil, nil, let low?, let high?) where low.count == high.count:
            config = scaleConfig(offset: low, divisor: Self.ranges(low, high), method: "min-max", source: path,
                                 names: ("min", "max - min"), report: { problem = $0 })
        default:
            throw ModelError(file: path, problem: "expected mean and scale, or min and max, with the same number of values")
        }
        guard let config else { throw ModelError(file: path, problem: problem ?? "unusable scaler") }
        return config
    }

    // MARK: forward options

    /// `precision`, `hidden` and `final` on a forward stage.
    func applyForwardOptions(_ keys: [String: YAMLCursor], to forward: inout ForwardStageConfig) -> Bool {
        var ok = true
        if let precision = keys["precision"] {
            if let value = precision.choice(["float64", "float32"]) {
                forward.precision = ForwardPrecision(rawValue: value) ?? .float64
            } else {
                ok = false
            }
        }
        let layers = forward.network.layers
        if let hidden = keys["hidden"], let elements = hidden.sequence() {
            for element in elements {
                guard let text = element.string() else { ok = false; continue }
                let index = layers.firstIndex { $0.name == text } ?? Int(text).flatMap { (0..<layers.count).contains($0) ? $0 : nil }
                guard let index else {
                    let names = layers.enumerated().map { "\($0.offset)" + ($0.element.name.map { " (\($0))" } ?? "") }
                    element.report("no layer '\(text)'; layers: \(names.joined(separator: ", "))")
                    ok = false
                    continue
                }
                forward.hiddenOutputs.append(index)
            }
        } else if keys["hidden"] != nil {
            ok = false
        }
        if let final = keys["final"] {
            if let value = final.bool() {
                forward.keepsFinal = value
                if !value {
                    if let last = forward.hiddenOutputs.max() {
                        forward.network = forward.network.prefix(through: last)
                    } else {
                        final.report("final: false writes only hidden layers, but hidden lists none")
                        ok = false
                    }
                }
            } else {
                ok = false
            }
        }
        if forward.precision == .float32 { forward.network = forward.network.roundedToFloat32() }
        return ok
    }

    // MARK: argmax and top_k

    private func rankStage(_ cursor: YAMLCursor, isArgmax: Bool) -> RankStageConfig? {
        var rank = RankStageConfig(k: 1, isArgmax: isArgmax, labels: nil, keepValues: false)
        if isArgmax, case .scalar(let scalar) = cursor.node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return rank
        }
        let allowed = isArgmax ? Self.rankKeys.filter { $0 != "k" } : Self.rankKeys
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
                diagnostics.noteRead(resolve(path, at: file), role: "labels file", at: file)
                if let data = FileManager.default.contents(atPath: resolve(path, at: file)), let text = String(data: data, encoding: .utf8) {
                    rank.labels = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
                    while rank.labels?.last?.isEmpty == true { rank.labels?.removeLast() }
                } else {
                    file.report("cannot read the labels file \(resolve(path, at: file)) (one label per line, UTF-8)", status: .config)
                    ok = false
                }
            } else {
                ok = false
            }
        case (.some, .some):
            cursor.report("give either labels (a list) or labels_file, not both")
            ok = false
        case (nil, nil):
            break
        }
        return ok ? rank : nil
    }
}
