/// A transform stage between `read` and `write`, loaded from its pipeline-file entry and ready to
/// be checked into a ``StageChain`` and run.
///
/// Each kind (`scale`, `forward`, `softmax`, `argmax`/`top_k`, `threshold`) is one file that owns
/// its whole story: its YAML keys and their checks (a `load` function that ``StageRegistry``
/// names), what it does to the width of the values and to the columns written (``link(_:)``),
/// its lines in `validate`'s description (and its fields in `validate --json`), and its work on a chunk (a ``StageWorker``).
///
/// ```
/// features ─scale─▶ values ─forward─▶ values ─softmax─▶ values ─argmax─▶ classes
///                              └─▶ hidden layers' activations (written beside)
/// ```
protocol Stage: Sendable {
    /// The kind as written in pipeline files (`scale`).
    var kind: String { get }
    /// Checks the stage against the values that reach it (reporting at the link's key path) and
    /// records the width it leaves and the columns it writes.
    func link(_ link: inout StageLink)
    /// Its lines in `validate`'s description (`  scale   standard, 4 values (inline)`).
    var descriptionLines: [String] { get }
    /// What it adds to its entry in `validate --json` beside its kind and widths (JSON values).
    var reportFields: [String: Any] { get }
    /// One worker's state for running the stage on chunks; `delimiter` is the output's, for
    /// the labels a stage writes.
    func makeWorker(delimiter: UInt8) -> any StageWorker
}

/// One worker's state for one stage, reused for every chunk: the stage runs on a whole chunk
/// per call (never once per row), so a chunk pays one dynamic call per stage.
protocol StageWorker: AnyObject {
    /// Runs the stage on `rows` rows of `values` (rows × `width`, row-major), which it may change
    /// in place. Returns the values rows leave with (`values` itself, or a buffer of the
    /// worker's, valid until its next run) and sets `groups` to the column groups it produces,
    /// in the order its ``Stage/link(_:)`` declared them.
    func run(_ values: UnsafeMutablePointer<Double>, rows: Int, width: Int,
             groups: inout [ColumnGroup]) -> UnsafeMutablePointer<Double>
}

/// Written columns of a chunk, rows × width, row-major, in a worker's buffers (valid until its
/// next run).
enum ColumnGroup {
    /// Numbers: `width` per row.
    case values(UnsafePointer<Double>, width: Int)
    /// `k` classes per row: each its label (or index) and, when `scores` is given, its value
    /// beside it (`class_1, probability_1, …`).
    case classes(indices: UnsafePointer<Int32>, scores: UnsafePointer<Double>?, k: Int, labels: ClassLabels)
}

/// Class labels as written: each CSV-quoted for the output's delimiter once, before any row.
final class ClassLabels: Sendable {
    /// The labels by class index, quoted; nil to write the index itself.
    let quoted: [[UInt8]]?
    /// Bytes a label may take: the longest quoted label, or an index (Int32) in digits.
    let room: Int

    init(_ labels: [String]?, delimiter: UInt8) {
        quoted = labels?.map { label in
            var field: [UInt8] = []
            CSVText.appendField(label, delimiter: delimiter, to: &field)
            return field
        }
        room = max(11, quoted?.map(\.count).max() ?? 0)
    }

    /// Writes class `index` (its quoted label, or the index itself) at `destination`, which has
    /// ``room`` bytes; returns the byte after it.
    func write(_ index: Int, to destination: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var next = destination
        if let quoted {
            for byte in quoted[index] {
                next.initialize(to: byte)
                next += 1
            }
        } else {
            for byte in String(index).utf8 {
                next.initialize(to: byte)
                next += 1
            }
        }
        return next
    }
}
