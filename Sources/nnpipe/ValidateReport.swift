import Foundation
import NNPipe

/// `nnpipe validate --json`: the plan as one JSON object, from the plan's public data.
///
/// ```
/// {"pipeline", "ok", "header_checked",
///  "inputs": [{"file", "output"?}],
///  "read": {"input", "fields", "header", "features": [{"name"?, "field"}], "carry": [...]},
///  "stages": [{"kind", "inputs", "outputs", "columns", ...the kind's own fields}],
///  "write": {"path", "compression", "header", "columns"},
///  "tests": [name], "execution": {"chunk_rows", "chunk_bytes", "workers", "max_chunks_in_flight", "in_flight_bytes"}}
/// ```
/// Fields are numbered from 1, as messages number them; widths count values per row.
enum ValidateReport {
    /// The report of a checked plan; `outputs` holds each input's output in a template run.
    static func object(_ plan: PipelinePlan, inputName: String, files: [String], outputs: [String]?) -> [String: Any] {
        let config = plan.config
        func column(_ field: Int) -> [String: Any] {
            var entry: [String: Any] = ["field": field + 1]
            if let names = plan.columnNames { entry["name"] = names[field] }
            return entry
        }
        let inputs: [[String: Any]] = files.enumerated().map { index, file in
            var entry: [String: Any] = ["file": file]
            if let outputs, index < outputs.count { entry["output"] = outputs[index] }
            return entry
        }
        let object: [String: Any] = [
            "pipeline": config.file, "ok": true, "header_checked": true, "inputs": inputs,
            "read": ["input": inputName, "fields": plan.fieldCount, "header": config.read.header,
                     "delimiter": String(decoding: [config.read.delimiter], as: UTF8.self),
                     "features": plan.featureFields.map(column), "carry": plan.carryFields.map(column)] as [String: Any],
            "stages": stages(plan),
            "write": ["path": config.write.path, "compression": config.write.codec.map { $0.description as Any } ?? NSNull(),
                      "header": config.write.header, "columns": plan.outputNames] as [String: Any],
            "tests": config.tests.map(\.name),
            "execution": ["chunk_rows": config.execution.chunkRows, "chunk_bytes": plan.chunkBytes, "workers": plan.workers,
                          "max_chunks_in_flight": plan.maxChunksInFlight, "in_flight_bytes": plan.inFlightByteLimit.map { $0 as Any } ?? NSNull()],
        ]
        return object
    }

    /// The report when standard input is a terminal: the pipeline and model are checked, no header.
    static func unreadHeader(pipeline: String, note: String) -> [String: Any] {
        ["pipeline": pipeline, "ok": true, "header_checked": false, "note": note]
    }

    /// Each transform stage with the values per row it takes and gives, and the written columns
    /// it names.
    static func stages(_ plan: PipelinePlan) -> [[String: Any]] {
        let chain = plan.chain
        // The written value columns are the last of the output's names, each from one stage.
        let valueNames = Array(plan.outputNames.suffix(chain.valueColumnStages.count))
        var width = chain.inputWidth
        return chain.reports.enumerated().map { index, report in
            var entry = report.fields
            entry["kind"] = report.kind
            entry["inputs"] = width
            width = chain.widths[index]
            entry["outputs"] = width
            entry["columns"] = zip(valueNames, chain.valueColumnStages).filter { $0.1 == index }.map(\.0)
            return entry
        }
    }

    /// `object` as one line of JSON, keys sorted. (Serializing fails only on a value JSON cannot
    /// hold, such as a NaN, which these reports never contain.)
    static func line(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
