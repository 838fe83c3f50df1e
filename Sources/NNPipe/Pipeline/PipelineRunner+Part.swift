import Foundation

/// One part of a run: an output (and its rejects file) made from its inputs, committed or removed.
extension PipelineRunner {
    /// Reads one part's inputs into its output. Returns the part's figures as they stand on disk
    /// (also after a failure) and the error it stopped on.
    func runPart(_ part: RunLayout.Part, sharedRejects: OutputFile?, writesRejectsHeader: Bool,
                         commitsSharedRejects: Bool, badRowsBefore: Int, resume: PartResume) -> (figures: RunSummary, failure: (any Error)?) {
        if resume.alreadyCommitted, let point = resume.point {
            // The killed run may have died between this commit and dropping the output's lock:
            // taking and releasing the lock removes the dead run's lock file (a live run's stays).
            if case .file(let target) = part.output.target {
                (try? OutputLock(target: target, name: part.output.path, wait: 0, registry: registry))?.release()
            }
            progress.passedOver(rows: point.rows.read, bytes: RunProgress.totalSize(part.files) ?? 0)
            return (Self.committedEarlier(point, part: part), nil)
        }
        let prepared: (plan: PipelinePlan, inputs: InputSequence)
        let output: OutputFile
        let ownRejects: OutputFile?
        // Held until this output is committed or removed (released when `lock` goes).
        var lock: OutputLock?
        defer { lock?.release() }
        // Taken before the output is opened (and a killed run's temporary file adopted), or, when
        // the output's folder is still to be made, once opening it has made the folder.
        func takeLock() throws {
            if lock == nil, case .file(let target) = part.output.target {
                lock = try OutputLock(target: target, name: part.output.path, wait: options.waitLock, registry: registry)
            }
        }
        do {
            prepared = try prepare(files: part.files)
            progress.beginInputs()
            if case .file(let target) = part.output.target,
               FileManager.default.fileExists(atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path) {
                try takeLock()
            }
            output = try OutputFile(path: part.output.path, target: part.output.target, registry: registry, adopting: resume.outputAdoption)
            do {
                try takeLock()
                ownRejects = try part.rejects.map {
                    try OutputFile(path: $0.path, target: $0.target, registry: registry, brokenPipeIsQuiet: false,
                                   adopting: resume.rejectsAdoption)
                }
            } catch {
                output.discard()
                throw error
            }
        } catch {
            return (RunSummary(), error)
        }
        let rejects = ownRejects ?? sharedRejects
        var counted = RunSummary()
        var failure: (any Error)?
        do {
            let keeper = try startJournal(resume, inputs: prepared.inputs, output: output, rejects: rejects)
            let encoders = try OutputEncoders(config: config)
            // A rejects file with its header alone is not kept: the length tells (also when resumed).
            rejects?.headerLength = rejectsHeader(plan: prepared.plan, encoders: encoders)?.count
            if resume.point == nil {
                try writeHeaders(plan: prepared.plan, output: output, rejects: ownRejects != nil || writesRejectsHeader ? rejects : nil,
                                 encoders: encoders)
            }
            let processed = process(plan: prepared.plan, inputs: prepared.inputs, output: output, rejects: rejects, encoders: encoders,
                                    badRowsBefore: badRowsBefore, keeper: keeper, resumed: resume.point)
            counted = processed.figures
            counted.rowsResumed = resume.point?.rows.read ?? 0
            if let error = processed.failure { throw error }
            try checkRowLimits(counted, part: part)
            try registry.committing {
                try output.commit()
                try ownRejects?.commitUnlessHeaderOnly()
                if commitsSharedRejects { try sharedRejects?.commitUnlessHeaderOnly() } else { sharedRejects?.checkpoint() }
                // A template run keeps the journal of a committed output until the run ends, so
                // that a resumed run knows the output is done.
                if commitsSharedRejects { keeper?.remove() }
            }
        } catch {
            failure = error
            // Rows sent to a stream cannot be taken back: the rejects of those rows are kept too.
            if output.isStream { rejects?.checkpoint() }
            output.discard()
        }
        // After a failure, an own rejects file is cut back to a checkpoint or removed; one on a
        // stream, or shared with a stream output, keeps its rows.
        var rejectsKept = true
        if failure != nil, let ownRejects {
            let cutBack = ownRejects.discard()
            rejectsKept = cutBack || ownRejects.isStream
        } else if failure != nil {
            rejectsKept = output.isStream || sharedRejects?.isStream == true
        }
        var figures = Self.onDisk(counted, output: output, outputKept: failure == nil, ownRejects: ownRejects, rejectsKept: rejectsKept)
        if failure == nil && counted.rows.read == 0 {
            figures.outputsWithoutRows = ["\(RunSummary.list(part.files.map(InputOpener.displayName))) → \(output.name)"]
        }
        return (figures, failure)
    }

    /// `--min-rows` and `errors.max_error_rate`, over the rows of one output (all of its inputs,
    /// a resumed run's earlier rows included), before it is committed.
    private func checkRowLimits(_ counted: RunSummary, part: RunLayout.Part) throws {
        let inputs = part.files.map(InputOpener.displayName)
        let (read, bad) = (counted.rows.read, counted.rows.bad)
        if let minRows = options.minRows, read < minRows {
            throw RowLimitError(.minRows(minRows), inputs: inputs, rowsRead: read, badRows: bad)
        }
        // A fraction of zero rows is no fraction: --min-rows is the check for those.
        if let rate = config.errors.maxErrorRate, read > 0, Double(bad) > rate * Double(read) {
            throw RowLimitError(.maxErrorRate(rate), inputs: inputs, rowsRead: read, badRows: bad)
        }
    }

    /// A part's counted rows as they stand on disk: the rows of a removed output or rejects file
    /// are discarded; a file kept is listed as kept, one removed as removed (streams are not listed).
    private static func onDisk(_ counted: RunSummary, output: OutputFile, outputKept: Bool, ownRejects: OutputFile?,
                               rejectsKept: Bool) -> RunSummary {
        var part = counted
        let outputRemoved = !outputKept && !output.isStream
        if output.isStream {
            part.rowsStreamed = counted.rows.written
        } else if outputKept {
            part.outputsKept.append(output.name)
        } else {
            part.outputsRemoved.append(output.name)
        }
        part.rows = counted.rows.removed(output: outputRemoved, rejects: !rejectsKept)
        part.inputs = counted.inputs.map { $0.removed(output: outputRemoved, rejects: !rejectsKept) }
        if let ownRejects, !ownRejects.isStream, !ownRejects.removedAsHeaderOnly {
            if rejectsKept { part.outputsKept.append(ownRejects.name) } else { part.outputsRemoved.append(ownRejects.name) }
        }
        return part
    }
}
