/// A scaler file in scikit-learn's own words: a fitted `StandardScaler`'s or `MinMaxScaler`'s
/// attributes as
/// `json.dump({k: (v.tolist() if hasattr(v, 'tolist') else v) for k, v in vars(s).items() if k.endswith('_') or k == 'feature_range'}, f)`
/// writes them, turned into the numbers `transform()` uses, in its order of operations:
///
/// | scaler | attributes read | transform |
/// |---|---|---|
/// | `StandardScaler` | `mean_`, `scale_` (`var_` is not needed); `with_mean`, `with_std` when present | `(x - mean_) / scale_` |
/// | `MinMaxScaler` | `min_`, `scale_`, or `data_min_`, `data_max_` and `feature_range`; `clip` when present | `x * scale_ + min_` |
///
/// scikit-learn already stores 1 where a feature is constant (its `scale_` divides by 1 where
/// the standard deviation or range is 0), so constant columns give its numbers too. When both
/// `min_`/`scale_` and `data_min_`/`data_max_` are there they must agree. Attributes of other
/// estimators (`center_`, `max_abs_`, `lambdas_`) are refused, naming them.
enum ScikitLearnScaler {
    /// The attributes nnpipe knows and does not need (bookkeeping scikit-learn keeps).
    static let ignored: Set<String> = ["var_", "n_samples_seen_", "n_features_in_", "feature_names_in_", "copy"]
    static let standardKeys: Set<String> = ["mean_", "scale_", "with_mean", "with_std"]
    static let minMaxKeys: Set<String> = ["min_", "scale_", "data_min_", "data_max_", "data_range_", "feature_range", "clip"]

    /// Whether `members` look like scikit-learn attributes rather than nnpipe's `mean`/`min` form.
    static func isScikitLearn(_ members: [(key: String, value: JSONValue)]) -> Bool {
        members.contains { $0.key.hasSuffix("_") }
    }

    /// The scale stage the attributes define.
    static func config(_ members: [(key: String, value: JSONValue)], path: String) throws(ModelError) -> ScaleStage {
        var fields: [String: JSONValue] = [:]
        for (key, value) in members { fields[key] = value }
        let known = ignored.union(standardKeys).union(minMaxKeys)
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw ModelError(file: path, path: unknown.key, problem: "not an attribute of StandardScaler or MinMaxScaler, the scikit-learn scalers nnpipe reads (as json.dump of vars(scaler) writes them)")
        }
        let isMinMax = fields["min_"] != nil || fields["data_min_"] != nil
        let config = isMinMax ? try minMax(fields, path: path) : try standard(fields, path: path)
        if case .number(let count)? = fields["n_features_in_"], Int(exactly: count) != config.offset.count {
            throw ModelError(file: path, path: "n_features_in_", problem: "is \(count) but the scaler holds \(config.offset.count) values")
        }
        return config
    }

    private static func standard(_ fields: [String: JSONValue], path: String) throws(ModelError) -> ScaleStage {
        let withMean = try flag(fields, "with_mean", path: path), withStd = try flag(fields, "with_std", path: path)
        let mean = try numbers(fields, "mean_", path: path), scale = try numbers(fields, "scale_", path: path)
        guard let count = mean?.count ?? scale?.count else {
            throw ModelError(file: path, problem: "a StandardScaler needs mean_ or scale_ (a MinMaxScaler min_ and scale_); found \(fields.keys.sorted().joined(separator: ", "))")
        }
        if let mean, let scale, mean.count != scale.count {
            throw ModelError(file: path, problem: "mean_ has \(mean.count) values but scale_ has \(scale.count)")
        }
        // StandardScaler(with_mean=False) still stores mean_ (with_std needs it), and transform()
        // then does not subtract it: from the attributes alone the two cannot be told apart.
        if mean != nil, scale != nil, fields["with_mean"] == nil {
            throw ModelError(file: path, path: "with_mean", problem: "missing: mean_ and scale_ are stored whether or not transform() subtracts the mean; dump the settings too: {k: v for k, v in vars(scaler).items() if k.endswith(\"_\") or k in (\"with_mean\", \"with_std\", \"feature_range\", \"clip\")} (tolist() for arrays)")
        }
        // sklearn subtracts mean_ only when with_mean (default True) and divides only when with_std.
        let offset = withMean ? (mean ?? [Double](repeating: 0, count: count)) : [Double](repeating: 0, count: count)
        let divisor = withStd ? (scale ?? [Double](repeating: 1, count: count)) : [Double](repeating: 1, count: count)
        if let zero = divisor.firstIndex(of: 0) {
            throw ModelError(file: path, path: "scale_[\(zero)]", problem: "is 0: it would divide by zero (scikit-learn writes 1 there)")
        }
        return ScaleStage(offset: offset, divisor: divisor, method: "standard (StandardScaler)", source: path)
    }

    private static func minMax(_ fields: [String: JSONValue], path: String) throws(ModelError) -> ScaleStage {
        let range = try numbers(fields, "feature_range", path: path) ?? [0, 1]
        guard range.count == 2, range[0] < range[1] else {
            throw ModelError(file: path, path: "feature_range", problem: "expected two numbers, the smaller first")
        }
        // What fit() computes from the data's minimum and maximum, in its order of operations.
        var derived: (min: [Double], scale: [Double])?
        if let low = try numbers(fields, "data_min_", path: path), let high = try numbers(fields, "data_max_", path: path) {
            guard low.count == high.count else { throw ModelError(file: path, problem: "data_min_ has \(low.count) values but data_max_ has \(high.count)") }
            let scale = zip(low, high).map { low, high in
                // _handle_zeros_in_scale: a range below 10·eps counts as constant and divides by 1.
                let spread = high - low
                return (range[1] - range[0]) / (spread < 10 * Double.ulpOfOne ? 1 : spread)
            }
            derived = (zip(low, scale).map { range[0] - $0 * $1 }, scale)
        }
        let stored = (try numbers(fields, "min_", path: path), try numbers(fields, "scale_", path: path))
        let minimum: [Double], scale: [Double]
        switch (stored, derived) {
        case ((let storedMin?, let storedScale?), _):
            guard storedMin.count == storedScale.count else {
                throw ModelError(file: path, problem: "min_ has \(storedMin.count) values but scale_ has \(storedScale.count)")
            }
            if let derived {
                let close = { (a: Double, b: Double) in abs(a - b) <= 1e-12 * max(1, abs(a), abs(b)) }
                guard derived.min.count == storedMin.count,
                      zip(derived.min, storedMin).allSatisfy(close), zip(derived.scale, storedScale).allSatisfy(close) else {
                    throw ModelError(file: path, problem: "min_ and scale_ do not agree with data_min_, data_max_ and feature_range: the file mixes two scalers or was edited")
                }
            }
            (minimum, scale) = (storedMin, storedScale)
        case (_, let derived?):
            (minimum, scale) = derived
        default:
            throw ModelError(file: path, problem: "a MinMaxScaler needs min_ and scale_, or data_min_ and data_max_")
        }
        // MinMaxScaler(clip=True) differs from the default only on values outside the fitted
        // range, silently: the setting must be in the file.
        guard fields["clip"] != nil else {
            throw ModelError(file: path, path: "clip", problem: "missing: transform() clips or not by this setting, which is not an attribute; dump the settings too: {k: v for k, v in vars(scaler).items() if k.endswith(\"_\") or k in (\"with_mean\", \"with_std\", \"feature_range\", \"clip\")} (tolist() for arrays)")
        }
        let clip = try flag(fields, "clip", path: path, default: false)
        return ScaleStage(offset: minimum, divisor: [Double](repeating: 1, count: minimum.count), method: "min-max (MinMaxScaler)",
                                source: path, factor: scale, clip: clip ? range[0]...range[1] : nil)
    }

    /// A list of finite numbers, nil when absent or null.
    private static func numbers(_ fields: [String: JSONValue], _ key: String, path: String) throws(ModelError) -> [Double]? {
        guard let value = fields[key], value != .null else { return nil }
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw ModelError(file: path, path: key, problem: "expected a list of numbers, found \(value.kindName)")
        }
        var result: [Double] = []
        for (index, element) in elements.enumerated() {
            guard case .number(let number) = element, number.isFinite else {
                throw ModelError(file: path, path: "\(key)[\(index)]", problem: "expected a finite number, found \(element.kindName)")
            }
            result.append(number)
        }
        return result
    }

    private static func flag(_ fields: [String: JSONValue], _ key: String, path: String, default: Bool = true) throws(ModelError) -> Bool {
        switch fields[key] {
        case nil, .null?: return `default`
        case .bool(let value)?: return value
        case let value?: throw ModelError(file: path, path: key, problem: "expected true or false, found \(value.kindName)")
        }
    }
}
