extension PipelineLoader.Context {
    /// One column of the output header, and where the pipeline file gives it its name.
    private struct NamedColumn {
        var name: String
        /// What the column is, for messages: `carried column "id"`, `output column "y0"`.
        var role: String
        /// Where it is named: `stages[0].read.carry[0], line 4`; for a default name, the stage that
        /// gives it (`stages[1].forward, line 5`).
        var place: String
        /// Where a clash with it is reported.
        var location: ConfigError
        /// Whether its name is a default (not written in the file); a clash is then reported at
        /// the other column, whose name the user wrote.
        var isDefault: Bool

        var origin: String { isDefault ? "a default name, from \(place)" : place }
    }

    /// Every name in the output header must differ, so that a reader of the output (pandas,
    /// Spark, `csv.DictReader`) can tell its columns apart: a carried column named like an output
    /// column (carrying `y0` with the default outputs `y0, y1`), a name listed twice in
    /// `write.columns`, or two stages giving the same default names are refused here.
    ///
    /// All the names are known from the pipeline file alone: a carried column's name in the
    /// header is the name `read.carry` selects it by (or `cN` without an input header), and the
    /// output columns' names come from `write.columns` or the stages. So the check belongs to
    /// loading (status 78, with key path and line), not to the input's header. Without an output
    /// header (`write.header: false`) no name is written, and none is checked.
    func checkOutputNames(read: ReadStageConfig, chain: StageChain, cursors: [YAMLCursor],
                          write: WriteStageConfig, columnCursors: [YAMLCursor]) {
        guard write.header else { return }
        let file = diagnostics.file
        func line(_ line: Int?) -> String { line.map { ", line \($0)" } ?? "" }

        // A million-unit layer has a million default names: each column is kept as its name and
        // a way to describe it, and the description (strings, a ConfigError) is made only for the
        // columns that clash.
        let carried = read.carry.count
        var names: [String] = read.carry.map { selector in
            switch selector.ref {
            case .name(let header): header
            case .index(let index): "c\(index)"
            }
        }
        let namedByColumns: Bool
        if let given = write.columns {
            // A count that differs from the pipeline's values is reported by the check before.
            guard given.count == chain.valueColumnNames.count, given.count == columnCursors.count else { return }
            names += given
            namedByColumns = true
        } else {
            names += chain.valueColumnNames
            namedByColumns = false
        }
        func describe(_ index: Int) -> NamedColumn {
            let name = names[index]
            if index < carried {
                let selector = read.carry[index]
                return NamedColumn(name: name, role: "carried column \"\(name)\"", place: selector.keyPath + line(selector.line),
                                   location: ConfigError(file: file, line: selector.line, column: selector.column,
                                                         keyPath: selector.keyPath, problem: ""),
                                   isDefault: false)
            }
            if namedByColumns {
                let cursor = columnCursors[index - carried]
                return NamedColumn(name: name, role: "output column \"\(name)\"", place: cursor.path + line(cursor.line),
                                   location: cursor.error(""), isDefault: false)
            }
            let cursor = cursors[chain.valueColumnStages[index - carried]]
            return NamedColumn(name: name, role: "output column \"\(name)\"", place: cursor.path + line(cursor.line),
                               location: cursor.error(""), isDefault: true)
        }

        var firstWithName: [String: Int] = [:]
        // Default names clash by whole groups (two forward stages' unnamed hidden layers give
        // `h0_0 … h0_15` twice): one message per pair of places, naming the columns.
        var clashes: [(earlier: Int, later: Int, names: [String])] = []
        firstWithName.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            guard let earlier = firstWithName[name] else {
                firstWithName[name] = index
                continue
            }
            let column = describe(index), previous = describe(earlier)
            if column.isDefault, previous.isDefault,
               let group = clashes.firstIndex(where: { describe($0.earlier).origin == previous.origin && describe($0.later).origin == column.origin }) {
                clashes[group].names.append(column.name)
            } else {
                clashes.append((earlier, index, [column.name]))
            }
        }
        for clash in clashes {
            let earlier = describe(clash.earlier), later = describe(clash.later)
            // Reported where the user wrote a name: the later column, unless its name is a default.
            let (here, there) = later.isDefault && !earlier.isDefault ? (earlier, later) : (later, earlier)
            // The message starts at `here`'s key path; a default name also says where it comes from.
            var problem: String
            if clash.names.count > 1 {
                // Only default names clash in groups: both places are stages.
                let shown = clash.names.prefix(4).map { "\"\($0)\"" }.joined(separator: ", ")
                let more = clash.names.count > 4 ? " and \(clash.names.count - 4) more" : ""
                problem = "output columns \(shown)\(more) (default names) are also default names from \(there.place)"
                    + ": the output header would have two columns of each name"
            } else {
                let hereOrigin = here.isDefault ? " (\(here.origin))" : ""
                problem = "\(here.role)\(hereOrigin) has the same name as \(there.role) (\(there.origin))"
                    + ": the output header would have two columns named \"\(here.name)\""
            }
            if here.isDefault || there.isDefault { problem += "; name the output columns with write.columns" }
            var error = here.location
            error.problem = problem
            diagnostics.report(error)
        }
    }
}
