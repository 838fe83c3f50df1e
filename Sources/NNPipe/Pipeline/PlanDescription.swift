/// A readable account of a plan, printed by `nnpipe validate`.
public enum PlanDescription {
    public static func lines(_ plan: PipelinePlan, inputName: String) -> [String] {
        let config = plan.config
        func columnName(_ field: Int) -> String {
            plan.columnNames.map { "\"\($0[field])\" (field \(field + 1))" } ?? "field \(field + 1)"
        }
        var lines = ["\(config.file): ok"]
        lines.append("  read    \(inputName): \(plan.fieldCount) fields per record\(config.read.header ? ", header" : ", no header")")
        lines.append("          features: \(plan.featureFields.map(columnName).joined(separator: ", "))")
        if !plan.carryFields.isEmpty {
            lines.append("          carry: \(plan.carryFields.map(columnName).joined(separator: ", "))")
        }
        for stage in config.transforms {
            switch stage {
            case .scale(let scale):
                lines.append("  scale   \(scale.method), \(scale.offset.count) values (\(scale.source))")
            case .forward(let forward):
                let shapes = forward.network.layers.map { "\($0.inputs)→\($0.units) \($0.activation.name)" }
                var options = forward.precision == .float32 ? ", float32" : ""
                if !forward.hiddenOutputs.isEmpty { options += ", hidden layers \(forward.hiddenOutputs.map(String.init).joined(separator: ", "))" }
                if !forward.keepsFinal { options += ", hidden layers only" }
                lines.append("  forward \(forward.source): \(shapes.joined(separator: ", "))\(options)")
                if let order = forward.layerOrder { lines.append("          order: \(order.description)") }
                for step in forward.inputSteps { lines.append("          input step: \(step.description)") }
            case .softmax:
                lines.append("  softmax")
            case .rank(let rank):
                let labels = rank.labels.map { "labels " + $0.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ", ") } ?? "class indices"
                lines.append("  \(stage.kind)\(rank.isArgmax ? " " : "   ")k \(rank.k), \(labels)\(rank.keepValues ? ", values kept" : "")")
            }
        }
        let write = config.write
        let target = write.path == "-" ? "<stdout>" : write.path
        let compression = write.codec.map { ", \($0.description)" } ?? ""
        lines.append("  write   \(target)\(compression): \(plan.outputNames.joined(separator: ","))")
        if !config.tests.isEmpty {
            lines.append("  tests   \(config.tests.count) (nnpipe test runs them): \(config.tests.map(\.name).joined(separator: ", "))")
        }
        lines.append("  execution: \(config.execution.chunkRows) rows per chunk, \(plan.workers) workers, at most \(plan.maxChunksInFlight) chunks in flight")
        return lines
    }
}
