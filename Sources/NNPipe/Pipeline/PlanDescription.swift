/// A readable account of a plan, printed by `nnpipe validate`.
package enum PlanDescription {
    package static func lines(_ plan: PipelinePlan, inputName: String) -> [String] {
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
        for stage in plan.chain.stages { lines += stage.descriptionLines }
        let write = config.write
        let target = write.path == "-" ? "<stdout>" : write.path
        let compression = write.codec.map { ", \($0.description)" } ?? ""
        lines.append("  write   \(target)\(compression): \(plan.outputNames.joined(separator: ","))")
        if !config.tests.isEmpty {
            lines.append("  tests   \(config.tests.count) (nnpipe test runs them): \(config.tests.map(\.name).joined(separator: ", "))")
        }
        lines.append("  execution: \(config.execution.chunkRows) rows and about \(plan.chunkBytes) bytes per chunk, \(plan.workers) workers, at most \(plan.maxChunksInFlight) chunks in flight"
                     + (plan.inFlightByteLimit.map { " (beyond \(plan.minChunksInFlight), within \($0) bytes of input)" } ?? ""))
        return lines
    }
}
