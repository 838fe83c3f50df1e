/// A pipeline's transform stages, checked against each other: every width is computed here,
/// once, when the pipeline is loaded, with the names of the columns they write.
///
/// What is written after the carried columns: the hidden layers asked for, in stage order
/// (written "beside", whatever follows), then the last stage's values (unless a later stage
/// drops them), then the classes of a stage that gives them.
package struct StageChain: Sendable {
    let stages: [any Stage]
    /// Values each row enters with (the features).
    package let inputWidth: Int
    /// Values each row leaves each stage with, in stage order.
    package let widths: [Int]
    /// Values each row leaves the last stage with.
    package var outputWidth: Int { widths.last ?? inputWidth }
    /// The columns written after the carried ones, by default.
    package let valueColumnNames: [String]
    /// For each of ``valueColumnNames``, the index in ``stages`` of the stage that names it.
    package let valueColumnStages: [Int]
    /// Where each written column group comes from, in output order.
    let sources: [ColumnSource]

    /// Each stage's kind and what it adds to its entry in `validate --json`, in stage order.
    package var reports: [(kind: String, fields: [String: Any])] { stages.map { ($0.kind, $0.reportFields) } }

    /// Checks `stages` (read at `cursors`) in order, from `inputWidth` values per row (nil when
    /// the read stage could not be read: only what the stages say of themselves is checked).
    /// Problems go to the cursors' diagnostics; the chain is returned whenever the input width
    /// is known, so that the output's names can be checked too.
    static func check(_ stages: [any Stage], cursors: [YAMLCursor], inputWidth: Int?) -> StageChain? {
        var width = inputWidth
        var widths: [Int] = []
        var columns = StageLink.Columns()
        for (index, (stage, cursor)) in zip(stages, cursors).enumerated() {
            let origin = index == 0 ? "read.features lists \(width ?? 0) columns" : "the stage before gives \(width ?? 0) values"
            var link = StageLink(inputWidth: width, isLast: index == stages.count - 1, inputOrigin: origin,
                                 stageIndex: index, cursor: cursor, outputWidth: width, columns: columns)
            stage.link(&link)
            width = link.outputWidth
            columns = link.columns
            widths.append(width ?? 0)
        }
        guard let inputWidth else { return nil }
        let written = columns.beside + columns.tail
        return StageChain(stages: stages, inputWidth: inputWidth, widths: widths,
                          valueColumnNames: written.flatMap(\.names),
                          valueColumnStages: written.flatMap { Array(repeating: $0.stage, count: $0.names.count) },
                          sources: written.map(\.source))
    }
}

/// Where a written column group comes from.
enum ColumnSource: Sendable {
    /// Group `group` of those stage `stage`'s worker produces.
    case stage(Int, group: Int)
    /// The values rows leave the last stage with.
    case finalValues
}

/// A stage's place in the chain while it is checked: the values that reach it, where it was
/// written (for messages), and what it leaves: the width and the columns written.
struct StageLink {
    /// A group of written columns and their default names.
    struct Slot {
        var source: ColumnSource
        var names: [String]
        /// The index of the stage that names them.
        var stage: Int
    }

    /// The columns written so far: `beside` stays whatever follows; `tail` is what the last
    /// stage gives, which a later stage may replace or drop.
    struct Columns {
        var beside: [Slot] = []
        var tail: [Slot] = []
    }

    /// Values each row brings to the stage; nil when unknown (the read stage could not be read).
    let inputWidth: Int?
    /// Whether `write` comes next.
    let isLast: Bool
    /// Where the values come from, for messages: `read.features lists 4 columns`,
    /// `the stage before gives 5 values`.
    let inputOrigin: String
    let stageIndex: Int
    let cursor: YAMLCursor
    /// Values each row leaves the stage with: its input width unless the stage sets another.
    var outputWidth: Int?
    var columns: Columns

    /// Reports a problem at the stage's key path.
    func report(_ problem: String) { cursor.report(problem) }

    /// The stage's column group `group` is written beside the values, whatever follows.
    mutating func writeBeside(group: Int, names: [String]) {
        columns.beside.append(Slot(source: .stage(stageIndex, group: group), names: names, stage: stageIndex))
    }

    /// The values the stage leaves are written (unless a later stage replaces them), as `names`.
    mutating func writeValues(names: [String]) {
        columns.tail = [Slot(source: .finalValues, names: names, stage: stageIndex)]
    }

    /// The values written so far by the stages before (not beside) are dropped.
    mutating func dropValues() { columns.tail = [] }

    /// The stage's column group `group` is written after the values.
    mutating func writeAfterValues(group: Int, names: [String]) {
        columns.tail.append(Slot(source: .stage(stageIndex, group: group), names: names, stage: stageIndex))
    }
}
