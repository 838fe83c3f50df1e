/// Lines of `stderr` other than the summary line (`nnpipe: done: …` / `nnpipe: stopped: …`).
func errorLines(_ stderr: String) -> [Substring] {
    stderr.split(separator: "\n").filter { !$0.hasPrefix("nnpipe: done:") && !$0.hasPrefix("nnpipe: stopped:") }
}
