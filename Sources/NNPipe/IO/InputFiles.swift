import Foundation

/// The inputs of a run: the read stage's paths with glob patterns expanded.
///
/// A pattern (`*`, `?`, `[…]`) matches files in sorted order; a pattern that matches nothing is an
/// error (status 66), as is a missing plain path. The inputs are read in the order listed, each
/// pattern's matches in sorted order, a file named twice once (also under another name: `x.csv`
/// and `./x.csv`, or a symlink to it, are the same file by device and inode).
public enum InputFiles {
    public static func expand(_ patterns: [String]) throws -> [String] {
        var files: [String] = []
        var seen: Set<String> = []
        var seenFiles: Set<FileIdentity> = []
        for pattern in patterns {
            let matches = isPattern(pattern) ? try glob(pattern) : [pattern]
            for match in matches where seen.insert(match).inserted {
                if let identity = FileIdentity.of(match), !seenFiles.insert(identity).inserted { continue }
                files.append(match)
            }
        }
        return files
    }

    /// Whether `path` holds glob characters.
    public static func isPattern(_ path: String) -> Bool {
        path != "-" && path.contains { $0 == "*" || $0 == "?" || $0 == "[" }
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

/// An output name with `{stem}` or `{name}`: one output per input, named after it.
///
/// For the input `data/2026-11-25/part-007.csv.gz`, `{name}` is `part-007.csv.gz` and `{stem}` is
/// `part-007` (the name without `.gz`, `.csv`, `.tsv` or `.txt`):
/// `out/{stem}.scored.csv.gz` gives `out/part-007.scored.csv.gz`.
public enum OutputNameTemplate {
    static let placeholders = ["{stem}", "{name}"]

    /// Whether `path` is a template.
    public static func isTemplate(_ path: String) -> Bool {
        placeholders.contains { path.contains($0) }
    }

    /// Why `path` is not a usable output path or template, if it is not.
    static func problem(in path: String) -> String? {
        var rest = path
        for placeholder in placeholders { rest = rest.replacingOccurrences(of: placeholder, with: "") }
        if rest.contains("{") || rest.contains("}") {
            return "an output name template takes {stem} and {name} only (found '\(path)')"
        }
        if isTemplate(path), path.hasSuffix("/") { return "the name template must name a file, not a folder" }
        return nil
    }

    /// The output path for `input`.
    public static func path(_ template: String, for input: String) -> String {
        let name = input.split(separator: "/").last.map(String.init) ?? input
        var stem = name
        for suffix in [".gz", ".zst"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
            break
        }
        for suffix in [".csv", ".tsv", ".txt"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
            break
        }
        return template.replacingOccurrences(of: "{stem}", with: stem).replacingOccurrences(of: "{name}", with: name)
    }
}
