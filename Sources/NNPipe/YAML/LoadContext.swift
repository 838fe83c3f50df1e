/// What every part of a pipeline file's loader shares: the folder relative paths resolve
/// against, and the diagnostics that collect problems.
struct LoadContext {
    let folder: String
    let diagnostics: ConfigDiagnostics

    /// `path` as written at `cursor`: relative to the pipeline's folder, or, when the command
    /// line gave it, to the working folder (as the shell that gave it sees it).
    func resolve(_ path: String, at cursor: YAMLCursor) -> String {
        if path == "-" || path.hasPrefix("/") || cursor.option != nil { return path }
        return folder == "." ? path : "\(folder)/\(path)"
    }
}
