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
///  "tests": [name], "execution": {"chunk_rows", "workers", "max_chunks_in_flight"}}
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
            "execution": ["chunk_rows": config.execution.chunkRows, "workers": plan.workers,
                          "max_chunks_in_flight": plan.maxChunksInFlight],
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
        return chain.stages.enumerated().map { index, stage in
            var entry: [String: Any] = ["kind": stage.kind, "inputs": width]
            switch stage {
            case .scale(let scale):
                entry["method"] = scale.method
                entry["source"] = scale.source
            case .forward(let forward):
                entry["model"] = forward.source
                entry["precision"] = forward.precision.rawValue
                entry["layers"] = forward.network.layers.map { layer -> [String: Any] in
                    var entry: [String: Any] = ["inputs": layer.inputs, "units": layer.units, "activation": layer.activation.name]
                    if let name = layer.name { entry["name"] = name }
                    return entry
                }
                entry["order"] = forward.layerOrder.map(order) ?? NSNull()
                entry["input_steps"] = forward.inputSteps.map(\.description)
                entry["hidden_outputs"] = forward.hiddenOutputs
                entry["keeps_final"] = forward.keepsFinal
                width = forward.network.outputCount
            case .softmax:
                break
            case .rank(let rank):
                entry["k"] = rank.k
                entry["labels"] = rank.labels.map { $0 as Any } ?? NSNull()
                entry["keep_values"] = rank.keepValues
            }
            entry["outputs"] = width
            entry["columns"] = zip(valueNames, chain.valueColumnStages).filter { $0.1 == index }.map(\.0)
            return entry
        }
    }

    /// How a model's layer order was decided: a short rule name, the names it used, and the text
    /// `validate` and `inspect` print.
    static func order(_ order: LayerOrder) -> [String: Any] {
        var entry: [String: Any] = ["description": order.description]
        switch order {
        case .graph: entry["rule"] = "graph"
        case .file: entry["rule"] = "file"
        case .listed: entry["rule"] = "listed"
        case .numbered(let names): entry["rule"] = "numbered"; entry["names"] = names
        case .shapes: entry["rule"] = "shapes"
        case .single: entry["rule"] = "single"
        }
        return entry
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
