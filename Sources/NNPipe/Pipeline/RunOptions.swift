/// How a ``PipelineRunner`` runs, beyond what the pipeline file says: the `run` command's options
/// and where its notices go. Given to the runner when it is made.
public struct RunOptions: Sendable {
    /// Whether a run killed outright is continued from its journal (`--resume`; see ``ResumePlanner``).
    public var resume = false
    /// Called with a notice line for the user (a killed run's leftovers removed, nothing to resume).
    public var notice: (@Sendable (String) -> Void)?
    /// Called with a notice of the everyday kind (`--resume` with no journal: the last run ended
    /// well), which `--quiet` hides.
    public var routineNotice: (@Sendable (String) -> Void)?
    /// With an output per input: a failed input's output is removed and the later inputs are still
    /// processed (`--keep-going`); the run's error is the first failure's.
    public var keepGoing = false
    /// An input whose output (and rejects file) exists and is newer than the input and every file
    /// the pipeline reads is skipped (`--skip-existing`).
    public var skipExisting = false
    /// An output made from fewer rows than this fails with status 65 and is not written
    /// (`--min-rows`); nil: any number, none included.
    public var minRows: Int?
    /// Seconds a run waits for another run that is writing the same output (`--wait-lock`); 0:
    /// it stops at once with status 75.
    public var waitLock: Double = 0
    /// Called (on the writer's thread) when an input's last row has been written: its figures
    /// and the output they went to.
    public var inputDone: (@Sendable (InputFigures) -> Void)?

    public init() {}
}
