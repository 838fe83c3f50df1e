import Foundation
import Testing

/// Shell completion offers files for every file argument and option, and the values of
/// enumerated options (issue 13).
@Suite("Shell completion scripts")
struct CompletionTests {
    func script(_ shell: String) throws -> String {
        let dir = try WorkDir()
        let result = try dir.nnpipe("--generate-completion-script", shell)
        #expect(result.status == 0)
        return result.stdoutText
    }

    @Test("zsh: files for the pipeline, inputs, outputs and models; fail/skip/reject for --on-error")
    func zsh() throws {
        let text = try script("zsh")
        #expect(text.contains("'*:pipeline-or-input:_files'"))
        for option in ["--rejects", "--stats-json", "--model"] {
            #expect(text.contains(where: option), "\(option) offers no files")
        }
        #expect(text.contains("___on_error=('fail' 'skip' 'reject')"))
        #expect(text.contains("'warning'") && text.contains("'json'"), "log level and format values")
    }

    @Test("bash and fish: --input completes files")
    func bashAndFish() throws {
        let bash = try script("bash")
        #expect(bash.range(of: #"'--input'\|'-i'\)\s+__nnpipe_add_completions -f"#, options: .regularExpression) != nil)
        let fish = try script("fish")
        #expect(fish.range(of: #"-l 'input' -s 'i' [^\n]*-rF"#, options: .regularExpression) != nil)
        #expect(fish.contains("'fail skip reject'") || fish.contains("fail skip reject"), "fish --on-error values")
    }
}

private extension String {
    /// Whether the zsh spec of `option` completes files (`--option[…]:name:_files`).
    func contains(where option: String) -> Bool {
        range(of: "'\(option)\\[.*?\\]:[a-z-]+:_files'", options: .regularExpression) != nil
    }
}
