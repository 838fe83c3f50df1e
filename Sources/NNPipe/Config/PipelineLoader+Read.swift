/// The `read` stage's keys: the inputs, their format and the columns picked.
extension PipelineLoader.Context {
    func readStage(_ cursor: YAMLCursor) -> ReadStageConfig? {
        guard let keys = cursor.mapping(allowed: PipelineLoader.readKeys, required: ["path", "features"]) else { return nil }
        let header = keys["header"]?.bool() ?? true
        let delimiter = keys["delimiter"].flatMap { delimiterByte($0, rule: .read) } ?? 0x2C
        let maxRecordBytes = keys["max_record_bytes"]?.int(in: 16...(1 << 30)) ?? (1 << 20)
        let features = keys["features"].flatMap { columns($0, header: header, allowEmpty: false) }
        let carryAll = keys["carry"]?.isScalar == true && keys["carry"]?.scalarValue()?.text == "*"
        let carry = carryAll ? [] : keys["carry"].flatMap { columns($0, header: header, allowEmpty: true) } ?? []
        guard let pathCursor = keys["path"], let inputs = inputPaths(pathCursor), let features else { return nil }
        var read = ReadStageConfig(inputs: inputs.map { resolve($0, at: pathCursor) }, header: header, delimiter: delimiter, features: features,
                                   carry: carry, maxRecordBytes: maxRecordBytes)
        read.pathOrigin = pathCursor.origin
        read.carryAll = carryAll
        return read
    }

    /// `path`: one path or glob pattern, or a list of them.
    func inputPaths(_ cursor: YAMLCursor) -> [String]? {
        if case .sequence = cursor.node {
            guard let elements = cursor.sequence(), !elements.isEmpty else {
                cursor.report("must list at least one input")
                return nil
            }
            let paths = elements.compactMap { $0.nonEmptyString() }
            if elements.count > 1, paths.count == elements.count, let stdin = paths.firstIndex(of: "-") {
                elements[stdin].report("standard input (\"-\") cannot be one of several inputs")
                return nil
            }
            return paths.count == elements.count ? paths : nil
        }
        return cursor.nonEmptyString().map { [$0] }
    }

    func columns(_ cursor: YAMLCursor, header: Bool, allowEmpty: Bool) -> [ColumnSelector]? {
        guard let elements = cursor.sequence() else { return nil }
        if elements.isEmpty && !allowEmpty {
            cursor.report("must list at least one column")
            return nil
        }
        var selectors: [ColumnSelector] = []
        var seen: Set<String> = []
        for element in elements {
            guard element.isScalar else {
                element.report("expected a column name or index, found \(element.kindName)")
                continue
            }
            guard let scalar = element.scalarValue() else { continue }
            let ref: ColumnRef
            if header {
                ref = .name(scalar.text)
            } else if scalar.typed, let index = Int(scalar.text), index >= 0 {
                ref = .index(index)
            } else {
                element.report("the input has no header (header: false), so columns are 0-based indices; found '\(scalar.text)'")
                continue
            }
            if !seen.insert(ref.description).inserted {
                element.report("\(ref) is listed twice")
                continue
            }
            // Messages name a column the command line gave by its option (`--features`).
            selectors.append(ColumnSelector(ref: ref, keyPath: element.option ?? element.path,
                                            line: element.option == nil ? element.line : nil, column: element.column))
        }
        return selectors.count == elements.count ? selectors : nil
    }

    /// One ASCII character, allowed on its side by `rule`.
    func delimiterByte(_ cursor: YAMLCursor, rule: DelimiterRule) -> UInt8? {
        guard let text = cursor.string() else { return nil }
        let value = text == "\\t" || text == "tab" ? "\t" : text
        guard value.utf8.count == 1, let byte = value.utf8.first, byte != 0x22, byte != 0x0A, byte != 0x0D else {
            cursor.report("the delimiter must be one ASCII character other than a quote or line end (\"\\t\" for tab)")
            return nil
        }
        if let problem = rule.problem(byte) {
            cursor.report(problem)
            return nil
        }
        return byte
    }
}
