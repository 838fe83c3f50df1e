/// `--resume` refused: the journal belongs to a run that differs from this one, or another
/// process is writing the output now. Status 78 (EX_CONFIG).
public struct ResumeRefused: NNPipeError {
    /// The output, as the user named it.
    public var file: String
    public var problem: String

    public var message: String { "\(file): cannot resume: \(problem)" }
    public var exitStatus: ExitStatus { .config }
}
