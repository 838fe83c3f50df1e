import Foundation

/// An output name with `{stem}` or `{name}`: one output per input, named after it.
///
/// For the input `data/2026-11-25/part-007.csv.gz`, `{name}` is `part-007.csv.gz` and `{stem}` is
/// `part-007` (the name without `.gz`, `.csv`, `.tsv` or `.txt`):
/// `out/{stem}.scored.csv.gz` gives `out/part-007.scored.csv.gz`.
package enum OutputNameTemplate {
    static let placeholders = ["{stem}", "{name}"]

    /// Whether `path` is a template.
    package static func isTemplate(_ path: String) -> Bool {
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

    /// The part of the output path for `input` that a placeholder made a folder reference rather
    /// than a file or folder name (`.` or `..`, or empty), if there is one: the name would leave
    /// the folder the template names (`out/{stem}` with the input `..csv`, whose stem is `.`, names
    /// the folder `out` itself; `out/x/{stem}./y.csv` names `out/y.csv`).
    static func folderReference(in template: String, for input: String) -> String? {
        for part in template.split(separator: "/", omittingEmptySubsequences: false) where isTemplate(String(part)) {
            let named = path(String(part), for: input)
            if named.isEmpty || named == "." || named == ".." { return named }
        }
        return nil
    }

    /// The output path for `input`.
    package static func path(_ template: String, for input: String) -> String {
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
