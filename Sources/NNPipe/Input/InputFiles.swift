import Foundation

/// The inputs of a run: the read stage's paths with glob patterns expanded.
///
/// A pattern (`*`, `?`, `[…]`) matches files in sorted order; a pattern that matches nothing is an
/// error (status 66), as is a missing plain path. The inputs are read in the order listed, each
/// pattern's matches in sorted order, a file named twice once (also under another name: `x.csv`
/// and `./x.csv`, or a symlink to it, are the same file by device and inode).
///
/// With an output per input (`outputTemplate`), a file is read once per output name: a file
/// named twice under names that give one output is read once, but a link under another name
/// (`latest.csv` to `2026-12-01.csv`) has an output of its own, never dropped without a word.
package enum InputFiles {
    package static func expand(_ patterns: [String], outputTemplate: String? = nil) throws -> [String] {
        var files: [String] = []
        var seen: Set<String> = []
        var seenFiles: Set<ReadFile> = []
        for pattern in patterns {
            let matches = isPattern(pattern) ? try glob(pattern) : [pattern]
            for match in matches where seen.insert(match).inserted {
                if let identity = FileIdentity.of(match) {
                    let read = ReadFile(file: identity, output: outputTemplate.map { OutputNameTemplate.path($0, for: match) })
                    if !seenFiles.insert(read).inserted { continue }
                }
                files.append(match)
            }
        }
        return files
    }

    /// A file read, and the output it is read for (nil: the run's one output).
    private struct ReadFile: Hashable {
        var file: FileIdentity
        var output: String?
    }

    /// Whether `path` is a glob pattern: it holds glob characters and names no existing file (a
    /// file named `data[1].csv` is read as itself, never as the pattern matching `data1.csv`; in a
    /// pattern, `\` makes the next character literal: `in/\[*.csv`).
    package static func isPattern(_ path: String) -> Bool {
        guard path != "-", path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) else { return false }
        var info = stat()
        return lstat(path, &info) != 0
    }

    private static func glob(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = Glibc.glob(pattern, 0, nil, &result)
        guard status == 0 else {
            throw InputError(.missing, file: pattern,
                             problem: status == GLOB_NOMATCH ? "no file matches the pattern" : "cannot list the files of the pattern")
        }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[i] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}
