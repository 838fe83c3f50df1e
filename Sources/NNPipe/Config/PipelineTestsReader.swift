/// Reads the pipeline file's optional `tests:` section and checks its shapes against the pipeline:
/// each row gives one value per feature, each expectation one value per column written after the
/// carried ones.
///
/// ```yaml
/// tests:
///   - name: the seed's own row
///     rows: [[200, 17]]                   # or maps: [{x1: 200, x2: 17}]
///     expect: [[0.9630988349234587, 0.9999172054527852]]
///     tolerance: 1e-12                    # or {absolute: 1e-12, relative: 0}; default 1e-9 each
/// ```
struct PipelineTestsReader {
    static let testKeys = ["name", "rows", "expect", "tolerance"]
    static let toleranceKeys = ["absolute", "relative"]

    /// The read stage's features, when they could be read.
    let features: [ColumnSelector]?
    /// The number of columns the pipeline writes after the carried ones, when its stages could
    /// be read and chain.
    let outputs: Int?

    func tests(_ cursor: YAMLCursor) -> [PipelineTestConfig] {
        guard let elements = cursor.sequence() else { return [] }
        var tests: [PipelineTestConfig] = []
        var names: Set<String> = []
        for element in elements {
            guard let keys = element.mapping(allowed: Self.testKeys, required: ["name", "rows", "expect"]) else { continue }
            let name = keys["name"]?.nonEmptyString()
            if let name, let nameCursor = keys["name"], !names.insert(name).inserted {
                nameCursor.report("another test is named '\(name)'")
            }
            let rows = keys["rows"].flatMap(rows)
            let expect = keys["expect"].flatMap(expectations)
            let tolerance = keys["tolerance"].map(tolerance) ?? .standard
            if let rows, let expect, let expectCursor = keys["expect"], rows.count != expect.count {
                expectCursor.report("lists \(expect.count) rows of expected values for \(rows.count) input rows")
            }
            guard let name, let rows, let expect, let tolerance, rows.count == expect.count else { continue }
            tests.append(PipelineTestConfig(name: name, rows: rows, expect: expect, tolerance: tolerance,
                                            keyPath: element.path, line: element.line))
        }
        return tests
    }

    /// Input rows: lists of feature values in `read.features` order, or maps of feature → value.
    private func rows(_ cursor: YAMLCursor) -> [[Double]]? {
        guard let elements = cursor.sequence() else { return nil }
        if elements.isEmpty {
            cursor.report("must list at least one row")
            return nil
        }
        let rows = elements.compactMap { element -> [Double]? in
            if case .mapping = element.node { return namedRow(element) }
            guard let values = element.numbers() else { return nil }
            if let features, values.count != features.count {
                element.report("has \(values.count) values but read.features lists \(features.count) columns")
                return nil
            }
            return values
        }
        return rows.count == elements.count ? rows : nil
    }

    /// A row written as a map from feature column (name, or index without a header) to value.
    private func namedRow(_ cursor: YAMLCursor) -> [Double]? {
        guard let features else { return nil }
        let keys = features.map { selector -> String in
            switch selector.ref {
            case .name(let name): name
            case .index(let index): String(index)
            }
        }
        guard let entries = cursor.mapping(allowed: keys, required: keys) else { return nil }
        let values = keys.compactMap { entries[$0]?.double() }
        return values.count == keys.count ? values : nil
    }

    private func expectations(_ cursor: YAMLCursor) -> [[ExpectedValue]]? {
        guard let elements = cursor.sequence() else { return nil }
        let rows = elements.compactMap { element -> [ExpectedValue]? in
            guard let entries = element.sequence() else { return nil }
            let values = entries.compactMap(expectedValue)
            guard values.count == entries.count else { return nil }
            if let outputs, values.count != outputs {
                element.report("has \(values.count) values but the pipeline writes \(outputs) columns after the carried ones")
                return nil
            }
            return values
        }
        return rows.count == elements.count ? rows : nil
    }

    /// A number when written unquoted as one, otherwise text (a class label).
    private func expectedValue(_ cursor: YAMLCursor) -> ExpectedValue? {
        guard cursor.isScalar else {
            cursor.report("expected a number or a text value, found \(cursor.kindName)")
            return nil
        }
        guard let scalar = cursor.scalarValue() else { return nil }
        if scalar.typed, let number = FloatParser.parse(Array(scalar.text.utf8)) { return .number(number) }
        return .text(scalar.text)
    }

    /// One number for both bounds, or a map with `absolute` and `relative`.
    private func tolerance(_ cursor: YAMLCursor) -> Tolerance? {
        if case .mapping = cursor.node {
            guard let keys = cursor.mapping(allowed: Self.toleranceKeys) else { return nil }
            let absolute = keys["absolute"].map(nonNegative) ?? Tolerance.standard.absolute
            let relative = keys["relative"].map(nonNegative) ?? Tolerance.standard.relative
            guard let absolute, let relative else { return nil }
            return Tolerance(absolute: absolute, relative: relative)
        }
        guard let value = nonNegative(cursor) else { return nil }
        return Tolerance(absolute: value, relative: value)
    }

    private func nonNegative(_ cursor: YAMLCursor) -> Double? {
        guard let value = cursor.double() else { return nil }
        if value < 0 {
            cursor.report("a tolerance must not be negative")
            return nil
        }
        return value
    }
}
