import Yams

/// A value the command line gives one key of the pipeline, in place of the file's:
/// `--set write.gzip_level=6`, and the options that stand for keys (`--input` for `read.path`,
/// `--output` for `write.path`, `--rejects` for `errors.rejects`).
///
/// Settings are applied to the YAML document before it is read (``PipelineSettings``), so a
/// key they give need not be in the file, the file's value there is never read (an unset
/// `${DAY}` in a replaced `read.path` is no error), and every check and message of the loader
/// holds for them. Their values are not expanded (the shell has done that), relative paths in
/// them resolve against the working folder, and a problem in one names the option (status 64).
package struct PipelineSetting: Sendable {
    /// A value, as YAML text or as the plain words of an option.
    package enum Value: Sendable {
        /// YAML (`6`, `[a.csv, b.csv]`, `"in/*.csv"`), as `--set` takes it.
        case yaml(String)
        /// One value; `plain` ones may read as numbers or booleans, the others are text.
        case scalar(String, plain: Bool)
        /// A list of values.
        case list([String], plain: Bool)
    }

    /// The key: a section (`read`, `write`, `forward` or another stage's kind for the first
    /// stage of that kind; `execution`, `errors`), a dot and the key in it (`write.gzip_level`).
    package var key: String
    package var value: Value
    /// How messages name where the value came from: `--input`, `--set write.gzip_level`.
    package var option: String

    package init(key: String, value: Value, option: String) {
        self.key = key
        self.value = value
        self.option = option
    }

    /// `KEY=VALUE` as `--set` takes it (the value parsed as YAML).
    package static func assignment(_ text: String) throws(ConfigError) -> PipelineSetting {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigError(file: "--set \(text)", keyPath: "",
                              problem: "expected KEY=VALUE, such as write.gzip_level=6 or 'read.path=in/*.csv'", status: .usage)
        }
        let key = String(text[..<equals])
        return PipelineSetting(key: key, value: .yaml(String(text[text.index(after: equals)...])), option: "--set \(key)")
    }

    /// The value as a YAML node.
    func node() throws(ConfigError) -> Node {
        switch value {
        case .yaml(let text):
            do {
                return try Yams.compose(yaml: text, .basic) ?? .scalar(.init("", .implicit, .plain))
            } catch {
                throw ConfigError(file: option, keyPath: "", problem: "the value is not YAML: \(error)", status: .usage)
            }
        case .scalar(let text, let plain):
            return .scalar(.init(text, .implicit, plain ? .plain : .doubleQuoted))
        case .list(let items, let plain):
            return .sequence(.init(items.map { .scalar(.init($0, .implicit, plain ? .plain : .doubleQuoted)) }))
        }
    }
}

/// Puts ``PipelineSetting`` values into a pipeline document.
enum PipelineSettings {
    static let topSections = ["execution", "errors"]

    /// `root` with each setting in place, and the key path of each value set (as the loader
    /// names it: `stages[2].write.gzip_level`) with the option that set it.
    static func apply(_ settings: [PipelineSetting], to root: Node) throws(ConfigError) -> (root: Node, options: [String: String]) {
        // Not a mapping: the loader reports that, whatever the settings.
        guard !settings.isEmpty, case .mapping = root else { return (root, [:]) }
        var root = root
        var options: [String: String] = [:]
        for setting in settings {
            let parts = setting.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            func fail(_ problem: String) -> ConfigError { ConfigError(file: setting.option, keyPath: "", problem: problem, status: .usage) }
            let sections = PipelineLoader.stageKinds + topSections
            guard parts.count >= 2, !parts.contains(where: \.isEmpty) else {
                throw fail("the key must be a section and a key in it: read.path, write.gzip_level, forward.activations, execution.workers, errors.rejects")
            }
            guard sections.contains(parts[0]) else {
                var problem = "unknown section '\(parts[0])'"
                if let near = YAMLCursor.nearest(to: parts[0], in: sections) { problem += "; did you mean '\(near)'?" }
                throw fail(problem + " (sections: \(sections.joined(separator: ", ")))")
            }
            let value = try setting.node()
            let keys = Array(parts.dropFirst())
            if topSections.contains(parts[0]) {
                root = try set(root, at: [parts[0]] + keys, to: value, fail: fail)
                options[setting.key] = setting.option
                continue
            }
            guard let stages = entry(root, "stages"), case .sequence(var list) = stages,
                  let index = list.firstIndex(where: { entry($0, parts[0]) != nil }) else {
                throw fail("the pipeline has no \(parts[0]) stage")
            }
            list[index] = try set(list[index], at: [parts[0]] + keys, to: value, fail: fail)
            root = try set(root, at: ["stages"], to: .sequence(list), fail: fail)
            options["stages[\(index)].\(setting.key)"] = setting.option
        }
        return (root, options)
    }

    /// The value under `key` in a mapping.
    static func entry(_ node: Node, _ key: String) -> Node? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.first { $0.key.string == key }?.value
    }

    /// `node` with `value` under the key path `keys`, making the mappings on the way.
    static func set(_ node: Node, at keys: [String], to value: Node, fail: (String) -> ConfigError) throws(ConfigError) -> Node {
        guard let key = keys.first else { return value }
        var pairs: [(Node, Node)]
        var mark: Mark?
        switch node {
        case .mapping(let mapping):
            pairs = mapping.map { ($0.key, $0.value) }
            mark = mapping.mark
        case .scalar(let scalar) where ["", "~", "null"].contains(scalar.string) && scalar.style == .plain:
            pairs = []  // `- softmax:` and an empty section take keys
        default:
            throw fail("cannot set '\(key)': what holds it in the pipeline is not a mapping")
        }
        let index = pairs.firstIndex { $0.0.string == key }
        let current = index.map { pairs[$0].1 } ?? .mapping(.init([]))
        let updated = try set(current, at: Array(keys.dropFirst()), to: value, fail: fail)
        if let index { pairs[index].1 = updated } else { pairs.append((.scalar(.init(key)), updated)) }
        return .mapping(.init(pairs, .implicit, .block, mark))
    }
}
