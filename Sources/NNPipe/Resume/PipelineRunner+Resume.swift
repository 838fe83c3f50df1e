import Glibc

extension PipelineRunner {
    /// Each output's resume plan (see ``ResumePlanner``), decided before any output is opened.
    func resumePlans(_ layout: RunLayout) throws -> [PartResume] {
        let identity = RunIdentity(config: config)
        let notice = options.notice
        let routineNotice = options.routineNotice
        return try layout.parts.map { part in
            try ResumePlanner.plan(for: part, sharedRejects: layout.sharedRejects, isTemplate: layout.isTemplate,
                                   identity: identity, resume: options.resume, notice: { notice?($0) }, routineNotice: { routineNotice?($0) })
        }
    }

    /// Removes the run's journals when it ends (a template run keeps those of its committed
    /// outputs until then).
    func endJournals(_ plans: [PartResume]) {
        for path in plans.compactMap(\.journalPath) {
            unlink(path)
            registry.unregisterJournal(path)
        }
    }

    /// Writes the output's new journal (its header, and the entry resumed from), then lets go of
    /// the killed run's names of the files it continues, then positions the inputs at that entry
    /// (a long skip through compressed input): in that order, a kill at any moment leaves one
    /// journal naming files that hold its entry. Nil when no journal is kept; a journal that
    /// cannot be written is given up (the run goes on without one).
    func startJournal(_ plan: PartResume, inputs: InputSequence, output: OutputFile, rejects: OutputFile?) throws -> JournalKeeper? {
        var keeper: JournalKeeper?
        if let path = plan.journalPath, let temporary = output.temporaryFile {
            let contents = ResumeJournal.Contents(pid: getpid(), outputTemporary: temporary, rejectsTemporary: rejects?.temporaryFile,
                                                  identity: plan.identity, last: plan.point)
            if let journal = try? ResumeJournal(path: path, contents: contents, registry: registry) {
                keeper = JournalKeeper(journal: journal, output: output, rejects: rejects, resumedChunks: plan.point?.chunks ?? 0,
                                       interval: config.execution.journalInterval)
            }
        }
        output.releaseAdopted()
        rejects?.releaseAdopted()
        if let point = plan.point {
            try inputs.resume(at: point.next)
            progress.resumed(rows: point.rows.read, bytesRead: inputs.bytesConsumed, file: InputOpener.displayName(inputs.files[point.next.file]))
        }
        return keeper
    }

    /// The figures of an output a killed template run had already committed.
    static func committedEarlier(_ point: ResumePoint, part: RunLayout.Part) -> RunSummary {
        var figures = RunSummary()
        figures.rows = point.rows
        figures.rowsResumed = point.rows.read
        // A rejects file is kept only with a rejected row in it.
        figures.outputsKept = [part.output.path] + (point.rows.rejected > 0 ? part.rejects.map { [$0.path] } ?? [] : [])
        figures.inputs = point.inputs.map { input in
            var one = InputFigures(file: InputOpener.displayName(part.files[min(input.file, part.files.count - 1)]), rows: input.rows)
            one.output = part.output.path
            return one
        }
        return figures
    }
}

extension PartResume {
    /// The killed run's temporary output, the length of it that stays and that part's checksum.
    var outputAdoption: (path: String, length: Int, checksum: UInt32)? {
        guard let adopted, let point else { return nil }
        return (adopted.outputTemporary, point.outputLength, point.outputChecksum)
    }

    /// The same for its rejects file.
    var rejectsAdoption: (path: String, length: Int, checksum: UInt32)? {
        guard let adopted, let point, let rejects = adopted.rejectsTemporary else { return nil }
        return (rejects, point.rejectsLength, point.rejectsChecksum)
    }
}
