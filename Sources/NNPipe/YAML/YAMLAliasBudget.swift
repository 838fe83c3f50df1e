// CYaml is Yams's copy of libyaml (not a product of the Yams package, but a module of its build
// that every target depending on Yams sees); only its event parser is used here. Yams's public
// API cannot serve: its `Parser` hands out composed nodes only, and composing is what expands
// the aliases this check must bound before it happens. Linking a second libyaml beside Yams's
// copy would clash on its C symbols.
import CYaml

/// A bound on how far aliases may expand a pipeline file, checked on libyaml's event stream
/// before the file is composed into nodes.
///
/// Yams resolves an alias (`*a`) to the node its anchor (`&a`) names, so ten anchors each listing
/// the one before ten times ("billion laughs") become 10^10 nodes for whoever walks them: the
/// loader, which reports each of them, and Yams itself, which hashes every mapping key while
/// composing (a key that is such an alias never finishes hashing). The events are a flat stream:
/// each anchor's expanded size is counted once, and an alias adds its anchor's size, so the
/// count of nodes after expansion is known in time linear in the file.
enum YAMLAliasBudget {
    /// Nodes allowed per byte of the file: a file without aliases has fewer nodes than bytes,
    /// and reusing a list or a layer a few times stays far below. Walking a node costs the loader
    /// about 2 µs in a debug build: at 100 per byte, a 600 KB file aliasing inline weights ran
    /// past two minutes and 350 MB; at 10 it is bounded near 15 s.
    static let nodesPerByte = 10
    /// The fewest nodes any file may expand to, however small.
    static let minimumLimit = 100_000

    /// The most nodes a file of `byteCount` bytes may expand to.
    static func limit(forBytes byteCount: Int) -> Int { max(minimumLimit, nodesPerByte * byteCount) }

    /// Where the count first passed the limit.
    struct Exceeded: Error {
        var limit: Int
        /// 1-based line and column of the alias that passed it.
        var line: Int
        var column: Int
    }

    /// Throws ``Exceeded`` when `yaml` expands past ``limit(forBytes:)`` nodes. A syntax error
    /// ends the check quietly: composing the file reports it, with its position.
    static func check(_ yaml: String) throws(Exceeded) {
        var text = yaml
        let limit = limit(forBytes: text.utf8.count)
        let exceeded: Exceeded? = text.withUTF8 { bytes in
            // libyaml keeps pointers to its parser's buffers in the parser: a fixed address.
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else { return nil }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
            return count(parser, limit: limit)
        }
        if let exceeded { throw exceeded }
    }

    /// Walks the events, counting nodes after expansion; the alias that passes `limit`, if any.
    private static func count(_ parser: UnsafeMutablePointer<yaml_parser_t>, limit: Int) -> Exceeded? {
        var total = 0
        /// Expanded size of each anchor, by name (a later anchor of the same name replaces it).
        var anchorSizes: [String: Int] = [:]
        /// Open sequences and mappings: their anchor, and the count when they started.
        var open: [(anchor: String?, start: Int)] = []
        var event = yaml_event_t()
        while yaml_parser_parse(parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                total += 1
                if let anchor = name(event.data.scalar.anchor) { anchorSizes[anchor] = 1 }
            case YAML_SEQUENCE_START_EVENT:
                open.append((name(event.data.sequence_start.anchor), total))
                total += 1
            case YAML_MAPPING_START_EVENT:
                open.append((name(event.data.mapping_start.anchor), total))
                total += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let (anchor, start) = open.popLast(), let anchor { anchorSizes[anchor] = total - start }
            case YAML_ALIAS_EVENT:
                // An alias to an anchor not yet closed is an error composing reports; count it as one.
                total += name(event.data.alias.anchor).flatMap { anchorSizes[$0] } ?? 1
                if total > limit {
                    return Exceeded(limit: limit, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                }
            default:
                break
            }
        }
        return nil
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }
}
