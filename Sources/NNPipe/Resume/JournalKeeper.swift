import Dispatch

/// Appends a run's journal entries as its writer writes chunks.
///
/// The reader notes where each chunk's records end (``noteChunk(_:endsAt:nextCut:)``); the writer, after
/// writing a chunk in order, calls ``chunkWritten(_:figures:)``. At most every `interval`
/// seconds (`execution.journal_interval`) the keeper syncs the output and rejects files and then appends an entry counting them,
/// so an entry never describes data a crash could lose. A failure to keep the journal ends
/// journaling (the run itself goes on; a later `--resume` then continues from the last entry).
final class JournalKeeper: @unchecked Sendable {
    // Unchecked: `positions` is behind a lock (the reader and the writer both use it); the rest is
    // touched only on the runner's serial writer queue.
    private var journal: ResumeJournal?
    /// Set when an entry could not be written: no more are.
    private var broken = false
    private let output: OutputFile
    private let rejects: OutputFile?
    /// Where each chunk read but not yet written ends, and how the chunk after it is cut.
    private let positions = Locked<[Int: (InputPosition, ChunkSizing.Cut)]>([:])
    private var chunks: Int
    private var lastEntry = DispatchTime.now()
    /// Seconds between entries (0: one after every chunk).
    private let interval: Double

    init(journal: ResumeJournal, output: OutputFile, rejects: OutputFile?, resumedChunks: Int, interval: Double) {
        self.journal = journal
        self.output = output
        self.rejects = rejects
        chunks = resumedChunks
        self.interval = interval
    }

    /// Records, on the reader's thread, where the records of chunk `index` end.
    func noteChunk(_ index: Int, endsAt position: InputPosition, nextCut: ChunkSizing.Cut) {
        positions.withLock { $0[index] = (position, nextCut) }
    }

    /// What the writer counted so far, for an entry.
    struct Figures {
        var counted: RowCounts
        var perInput: [InputFigures]
        var badRows: Int
        /// The display names of the part's inputs, to number ``perInput``.
        var names: [String]
    }

    /// Called by the writer after chunk `index` (and every one before it) has been written.
    func chunkWritten(_ index: Int, figures: () -> Figures) {
        chunks += 1
        let noted = positions.withLock { $0.removeValue(forKey: index) }
        if !broken, let (position, nextCut) = noted,
           Double(DispatchTime.now().uptimeNanoseconds - lastEntry.uptimeNanoseconds) / 1e9 >= interval {
            append(point(position, nextCut: nextCut, figures()))
            lastEntry = DispatchTime.now()
        }
    }

    /// Appends the final entry (`done`), after the writer's last chunk and before the output is
    /// renamed into place.
    func finish(at position: InputPosition, figures: Figures) {
        var last = point(position, nextCut: nil, figures)
        last.done = true
        append(last)
    }

    /// Removes the journal, once the output is committed (or the run has ended otherwise).
    func remove() {
        journal?.remove()
        journal = nil
    }

    private func point(_ position: InputPosition, nextCut: ChunkSizing.Cut?, _ figures: Figures) -> ResumePoint {
        var point = ResumePoint(next: position, chunks: chunks, outputLength: output.bytesWritten,
                                rejectsLength: rejects?.bytesWritten ?? 0)
        point.outputChecksum = output.checksum
        point.rejectsChecksum = rejects?.checksum ?? 0
        point.nextCut = nextCut
        point.rows = figures.counted
        point.badRows = figures.badRows
        point.inputs = figures.perInput.map { input in (figures.names.firstIndex(of: input.file) ?? 0, input.rows) }
        return point
    }

    private func append(_ point: ResumePoint) {
        guard let journal, !broken else { return }
        do {
            try output.syncData()
            try rejects?.syncData()
            try journal.append(point)
        } catch {
            broken = true
        }
    }
}
