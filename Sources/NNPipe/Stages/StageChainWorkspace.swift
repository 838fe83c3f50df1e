/// One worker's state for running a ``StageChain`` on chunks, reused for every chunk: the
/// features buffer the parser fills, and each stage's worker with its own buffers.
final class StageChainWorkspace {
    /// The features, rows × inputWidth, filled by the parser before ``run(_:rows:)``.
    let features = ValueBuffer<Double>()
    private let workers: [any StageWorker]
    /// Each stage's column groups from the last run (kept to reuse their arrays' storage).
    private var produced: [[ColumnGroup]]

    /// `delimiter` is the output's (for labels).
    init(_ chain: StageChain, delimiter: UInt8) {
        workers = chain.stages.map { $0.makeWorker(delimiter: delimiter) }
        produced = Array(repeating: [], count: workers.count)
    }

    /// Runs every stage on the first `rows` rows of ``features`` (which it may change) and
    /// returns the written column groups, in output order.
    func run(_ chain: StageChain, rows: Int) -> [ColumnGroup] {
        var current = features.pointer
        var width = chain.inputWidth
        for index in workers.indices {
            current = workers[index].run(current, rows: rows, width: width, groups: &produced[index])
            width = chain.widths[index]
        }
        let final = UnsafePointer(current)
        return chain.sources.map { source in
            switch source {
            case .stage(let stage, let group): produced[stage][group]
            case .finalValues: .values(final, width: width)
            }
        }
    }
}
