/// The whole document: its sections, the list of stages (each transform loaded by its kind,
/// ``StageRegistry``), and the one check that turns them into a ``PipelineConfig``.
extension PipelineLoader.Context {
    func pipeline(_ cursor: YAMLCursor) -> PipelineConfig? {
        guard let top = cursor.mapping(allowed: PipelineLoader.topKeys, required: ["stages"]) else { return nil }
        let execution = top["execution"].flatMap(execution) ?? ExecutionConfig()
        let errors = top["errors"].flatMap(errorPolicy) ?? ErrorPolicyConfig()
        guard let stagesCursor = top["stages"], let stageList = stagesCursor.sequence() else { return nil }
        var read: ReadStageConfig?
        var write: WriteStageConfig?
        var writeColumnCursors: [YAMLCursor] = []
        var writeCursor: YAMLCursor?
        var stages: [any Stage] = []
        var stageCursors: [YAMLCursor] = []
        var kinds: [String] = []
        for (index, stage) in stageList.enumerated() {
            guard let entries = stage.mapping(allowed: PipelineLoader.stageKinds) else { continue }
            guard entries.count == 1, let (kind, body) = entries.first else {
                if entries.count > 1 {
                    stage.report("a stage has exactly one kind (\(PipelineLoader.stageKinds.joined(separator: ", "))), found \(entries.keys.sorted().joined(separator: ", "))")
                }
                continue
            }
            kinds.append(kind)
            switch kind {
            case "read":
                if index != 0 { body.report("the read stage must be the first stage") }
                read = readStage(body)
            case "write":
                if index != stageList.count - 1 { body.report("the write stage must be the last stage") }
                write = writeStage(body, columnCursors: &writeColumnCursors)
                writeCursor = body
            default:
                stageCursors.append(body)
                if let loaded = StageRegistry.kind(kind)?.load(body, self) { stages.append(loaded) }
            }
        }
        if !kinds.contains("read") { stagesCursor.report("the first stage must be a read stage") }
        if !kinds.contains("write") { stagesCursor.report("the last stage must be a write stage") }
        if !kinds.contains("forward") { stagesCursor.report("at least one forward stage is needed between read and write") }
        let (chain, tests) = check(read: read, stages: stages.count == stageCursors.count ? stages : nil, cursors: stageCursors,
                                   write: write, writeCursor: writeCursor, columnCursors: writeColumnCursors, tests: top["tests"],
                                   errors: errors, errorsCursor: top["errors"] ?? cursor)
        guard let read, let write, let chain, !stages.isEmpty else { return nil }
        var config = PipelineConfig(file: diagnostics.file, read: read, stages: chain, write: write,
                                    execution: execution, errors: errors, tests: tests)
        config.filesRead = [SettingFile(path: diagnostics.file, role: "pipeline file", origin: .commandLine("the pipeline file"))]
            + diagnostics.filesRead
        return config
    }

    /// The one check of the stages together, once each has been read: the stages' widths
    /// chain from the features (``StageChain``), `write.columns` names every column written, no
    /// two output columns share a name, the tests' rows and expectations fit, and the error
    /// policy's rejects file, the name templates and the inputs go together. (Whether two
    /// inputs' names give one output is known only once the patterns are expanded: the run's
    /// ``RunLayout`` checks that.) `stages` is nil when one of them
    /// could not be read (reported already): only the tests are read then.
    private func check(read: ReadStageConfig?, stages: [any Stage]?, cursors: [YAMLCursor],
                       write: WriteStageConfig?, writeCursor: YAMLCursor?, columnCursors: [YAMLCursor], tests: YAMLCursor?,
                       errors: ErrorPolicyConfig, errorsCursor: YAMLCursor) -> (StageChain?, [PipelineTestConfig]) {
        var chain: StageChain?
        if let stages {
            chain = StageChain.check(stages, cursors: cursors, inputWidth: read?.features.count)
            if let chain, let columns = write?.columns, columns.count != chain.valueColumnNames.count {
                diagnostics.report(ConfigError(file: diagnostics.file, keyPath: "write.columns",
                                               problem: "names \(columns.count) columns but the pipeline writes \(chain.valueColumnNames.count) after the carried ones (\(chain.valueColumnNames.joined(separator: ",")))",
                                               status: diagnostics.status(involving: writeCursor.map { [$0.path + ".columns"] } ?? [])))
            }
            if let read, let write, let chain, !stages.isEmpty {
                checkOutputNames(read: read, chain: chain, cursors: cursors, write: write, columnCursors: columnCursors)
            }
        }
        let outputs = stages?.isEmpty == false && diagnostics.errors.isEmpty ? chain?.valueColumnNames.count : nil
        let testConfigs = tests.map { PipelineTestsReader(features: read?.features, outputs: outputs).tests($0) } ?? []
        if errors.policy == .reject, errors.rejectsPath == nil {
            errorsCursor.report("the reject policy needs a rejects file (errors.rejects)",
                                status: diagnostics.status(involving: ["errors.policy", "errors.rejects"]))
        }
        if let rejects = errors.rejectsPath, OutputNameTemplate.isTemplate(rejects),
           let write, !OutputNameTemplate.isTemplate(write.path) {
            errorsCursor.report("a rejects name template ({stem}, {name}) needs a write.path template: one rejects file per output",
                                status: diagnostics.status(involving: ["errors.rejects"] + (writeCursor.map { [$0.path + ".path"] } ?? [])))
        }
        if let read, let write, OutputNameTemplate.isTemplate(write.path), read.inputs.contains("-") {
            diagnostics.report(ConfigError(file: diagnostics.file, keyPath: "write.path",
                                           problem: "an output name template needs input files, not standard input"))
        }
        return (chain, testConfigs)
    }
}
