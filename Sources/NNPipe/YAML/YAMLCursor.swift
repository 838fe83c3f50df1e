import Yams

/// Collects configuration problems while a pipeline file is read, so all of them are reported
/// together rather than one per run.
final class ConfigDiagnostics {
    let file: String
    /// The variables that `${NAME}` in values expands from (see ``EnvironmentExpansion``).
    let environment: [String: String]
    /// The first problems found (at most ``ConfigErrors/shownLimit``: no more are printed).
    private(set) var errors: [ConfigError] = []
    /// Problems found after ``errors`` was full, only counted.
    private(set) var omitted = 0
    /// The files the pipeline names for reading (model, scaler, labels), as they are met.
    var filesRead: [SettingFile] = []
    /// Key paths (`stages[2].write.gzip_level`) whose values the command line gave, and the
    /// option that gave each (`--set write.gzip_level`): see ``PipelineSettings``.
    var commandLine: [String: String] = [:]
    /// The exit status of problems in keys the command line did not give: 78, or 64 when the
    /// whole pipeline comes from the command line.
    var status = ExitStatus.config

    /// The option that gave the value at `path` or a key above it (the most specific one).
    func option(for path: String) -> String? {
        var best: (key: String, option: String)?
        for (key, option) in commandLine where path == key || path.hasPrefix(key + ".") || path.hasPrefix(key + "[") {
            if best == nil || key.count > best!.key.count { best = (key, option) }
        }
        return best?.option
    }

    /// The status of a problem that involves the values at `paths`: 64 when the command line gave
    /// any of them, else ``status``.
    func status(involving paths: [String]) -> ExitStatus {
        paths.contains { option(for: $0) != nil } ? .usage : status
    }

    /// Notes a file the pipeline reads at `cursor`'s key.
    func noteRead(_ path: String, role: String, at cursor: YAMLCursor) {
        filesRead.append(SettingFile(path: path, role: role, origin: cursor.origin))
    }

    init(file: String, environment: [String: String] = [:]) {
        self.file = file
        self.environment = environment
    }

    func report(_ error: ConfigError) {
        if errors.count < ConfigErrors.shownLimit {
            errors.append(error)
        } else {
            omitted += 1
        }
    }

    /// Throws every collected problem, if there are any.
    func throwIfAny() throws {
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw ConfigErrors(errors, omitted: omitted) }
    }
}

/// A YAML node together with its key path, so every problem found in it names the path and line.
struct YAMLCursor {
    let node: Node
    let path: String
    let diagnostics: ConfigDiagnostics

    var line: Int? { node.mark?.line }
    var column: Int? { node.mark?.column }

    /// The command-line option that gave this value, if one did.
    var option: String? { diagnostics.option(for: path) }

    /// This key as the origin of a setting.
    var origin: SettingOrigin {
        if let option { return .commandLine(option) }
        return .pipeline(keyPath: path, line: line, column: column)
    }

    /// A problem in this value, named by the option that gave it (status 64) or by the file,
    /// line, column and key path; `status` overrides the status (a model file that does not
    /// load is 78 whoever named it).
    func error(_ problem: String, status: ExitStatus? = nil) -> ConfigError {
        if let option { return ConfigError(file: option, keyPath: "", problem: problem, status: status ?? .usage) }
        return ConfigError(file: diagnostics.file, line: line, column: column, keyPath: path, problem: problem,
                           status: status ?? diagnostics.status)
    }

    func report(_ problem: String) { diagnostics.report(error(problem)) }

    func report(_ problem: String, status: ExitStatus) { diagnostics.report(error(problem, status: status)) }

    /// A problem between keys of this value (`model` and `layers` both given), reported at this
    /// value's place with its message as it stands; status 64 when the command line gave any of
    /// `keys` (`--set forward.layers=…` beside the file's model), as a value it gave alone is.
    func reportConflict(_ problem: String, among keys: [YAMLCursor?]) {
        report(problem, status: diagnostics.status(involving: keys.compactMap { $0?.path }))
    }

    func child(_ node: Node, key: String) -> YAMLCursor {
        YAMLCursor(node: node, path: path.isEmpty ? key : "\(path).\(key)", diagnostics: diagnostics)
    }

    func element(_ node: Node, index: Int) -> YAMLCursor {
        YAMLCursor(node: node, path: "\(path)[\(index)]", diagnostics: diagnostics)
    }

    /// The entries of a mapping, checked against the keys allowed and required there.
    /// Unknown keys are reported with the nearest valid key as a suggestion.
    func mapping(allowed: [String], required: [String] = []) -> [String: YAMLCursor]? {
        guard case .mapping(let mapping) = node else {
            report("expected a mapping with keys \(allowed.joined(separator: ", ")), found \(kindName)")
            return nil
        }
        var entries: [String: YAMLCursor] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let keyCursor = YAMLCursor(node: keyNode, path: path.isEmpty ? key : "\(path).\(key)", diagnostics: diagnostics)
            if !allowed.contains(key) {
                var problem = "unknown key '\(key)'"
                if let suggestion = Self.nearest(to: key, in: allowed) {
                    problem += "; did you mean '\(suggestion)'?"
                } else {
                    problem += "; valid keys: \(allowed.joined(separator: ", "))"
                }
                keyCursor.report(problem)
                continue
            }
            entries[key] = child(valueNode, key: key)
        }
        for key in required where entries[key] == nil {
            report("missing required key '\(key)'")
        }
        return entries
    }

    /// The elements of a sequence.
    func sequence() -> [YAMLCursor]? {
        guard case .sequence(let sequence) = node else {
            report("expected a list, found \(kindName)")
            return nil
        }
        return sequence.enumerated().map { element($0.element, index: $0.offset) }
    }

    /// A scalar's value with environment variables expanded (``EnvironmentExpansion``), and
    /// whether it may be read as a number or boolean: written unquoted, or made by an expansion
    /// (so `"${ROWS:-8192}"` may be quoted as flow collections require). Nil when the node is not
    /// a scalar, or when an expansion fails (reported here).
    func scalarValue() -> (text: String, typed: Bool)? {
        guard case .scalar(let scalar) = node else { return nil }
        // The shell has expanded what the command line gives.
        guard option == nil, EnvironmentExpansion.needsExpansion(scalar.string) else { return (scalar.string, scalar.style == .plain) }
        do {
            return (try EnvironmentExpansion.expand(scalar.string, environment: diagnostics.environment), true)
        } catch {
            report(error.reason)
            return nil
        }
    }

    var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    /// A scalar as text.
    func string() -> String? {
        guard isScalar else {
            report("expected a text value, found \(kindName)")
            return nil
        }
        return scalarValue()?.text
    }

    /// A non-empty string.
    func nonEmptyString() -> String? {
        guard let value = string() else { return nil }
        if value.isEmpty {
            report("must not be empty")
            return nil
        }
        return value
    }

    /// An integer within `range`.
    func int(in range: ClosedRange<Int>) -> Int? {
        guard let text = typedScalar(expected: "an integer") else { return nil }
        guard let value = Int(text) else {
            report("expected an integer, found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            report("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A boolean (`true`/`false`, also `yes`/`no`).
    func bool() -> Bool? {
        guard let text = typedScalar(expected: "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report("expected true or false, found '\(text)'")
            return nil
        }
    }

    /// A float64 number.
    func double() -> Double? {
        guard let text = typedScalar(expected: "a number") else { return nil }
        guard let value = FloatParser.parse(Array(text.utf8)) else {
            report("expected a number, found '\(text)'")
            return nil
        }
        return value
    }

    /// A list of float64 numbers.
    func numbers() -> [Double]? {
        guard let elements = sequence() else { return nil }
        let values = elements.compactMap { $0.double() }
        return values.count == elements.count ? values : nil
    }

    /// A scalar that may be read as a number or boolean (see ``scalarValue()``), or nil with
    /// "expected `expected`" reported.
    private func typedScalar(expected: String) -> String? {
        guard isScalar else {
            report("expected \(expected), found \(describeValue)")
            return nil
        }
        guard let scalar = scalarValue() else { return nil }
        guard scalar.typed else {
            report("expected \(expected), found '\(scalar.text)'")
            return nil
        }
        return scalar.text
    }

    /// An empty value: `- softmax:`, `~` or `null`.
    var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
    }

    /// One of the given words.
    func choice(_ choices: [String]) -> String? {
        guard let value = string() else { return nil }
        guard choices.contains(value) else {
            var problem = "'\(value)' is not one of \(choices.joined(separator: ", "))"
            if let suggestion = Self.nearest(to: value, in: choices) { problem += "; did you mean '\(suggestion)'?" }
            report(problem)
            return nil
        }
        return value
    }

    var kindName: String {
        switch node {
        case .scalar: "a value (\(describeValue))"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    var describeValue: String {
        if case .scalar(let scalar) = node { return "'\(scalar.string)'" }
        return kindName
    }

    /// The candidate nearest to `word` by edit distance, if it is near enough to be a typo.
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased().utf8), b = Array(b.lowercased().utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
