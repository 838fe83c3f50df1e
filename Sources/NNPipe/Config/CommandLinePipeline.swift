import Yams

/// A pipeline given by options alone, without a file:
///
///     nnpipe run --model m.npz --activations relu,softmax --features x1,x2 --carry id in.csv
///
/// It is the document a file would hold (a read, a forward and a write stage), made of
/// ``PipelineSetting``s and read by ``PipelineLoader`` like a file, so every check and message
/// is the same; messages name the options (`--features: …`) and the pipeline `<command line>`,
/// and every problem in it is a usage error (status 64), but a model file that does not load (78).
package struct CommandLinePipeline: Sendable {
    /// How messages name the pipeline.
    package static let name = "<command line>"

    package var model: String
    /// One activation per layer, for models that hold none (npz, safetensors).
    package var activations: [String]?
    /// Feature columns: header names, or 0-based indices without a header.
    package var features: [String]
    /// Carried columns; `["*"]` carries every column that is not a feature.
    package var carry: [String]
    package var header: Bool
    package var delimiter: String?

    package init(model: String, activations: [String]?, features: [String], carry: [String], header: Bool, delimiter: String?) {
        self.model = model
        self.activations = activations
        self.features = features
        self.carry = carry
        self.header = header
        self.delimiter = delimiter
    }

    /// The stages' keys as settings; inputs default to standard input, the output to standard output.
    func settings(_ overrides: PipelineOverrides) -> [PipelineSetting] {
        var settings = [
            PipelineSetting(key: "read.path", value: .scalar("-", plain: false), option: "--input"),
            PipelineSetting(key: "read.features", value: .list(features, plain: true), option: "--features"),
            PipelineSetting(key: "forward.model", value: .scalar(model, plain: false), option: "--model"),
            PipelineSetting(key: "write.path", value: .scalar("-", plain: false), option: "--output"),
        ]
        if carry == ["*"] {
            settings.append(PipelineSetting(key: "read.carry", value: .scalar("*", plain: false), option: "--carry"))
        } else if !carry.isEmpty {
            settings.append(PipelineSetting(key: "read.carry", value: .list(carry, plain: true), option: "--carry"))
        }
        if !header { settings.append(PipelineSetting(key: "read.header", value: .scalar("false", plain: true), option: "--no-header")) }
        if let delimiter {
            settings.append(PipelineSetting(key: "read.delimiter", value: .scalar(delimiter, plain: false), option: "--delimiter"))
        }
        if let activations {
            settings.append(PipelineSetting(key: "forward.activations", value: .list(activations, plain: false), option: "--activations"))
        }
        // The command line's own settings last: they win.
        return settings + overrides.documentSettings
    }
}

extension PipelineLoader {
    /// Loads a pipeline given by options alone, with the other options applied as to a file's.
    package static func load(_ pipeline: CommandLinePipeline, overrides: PipelineOverrides,
                            environment: [String: String] = [:]) throws -> PipelineConfig {
        let stage = { (kind: String) -> Node in .mapping(.init([(.scalar(.init(kind)), .mapping(.init([])))])) }
        let document: Node = .mapping(.init([(.scalar(.init("stages")), .sequence(.init([stage("read"), stage("forward"), stage("write")])))]))
        // Problems found at a stage rather than at one of its keys (the model's inputs and the
        // features' count differ) name the option that chose it.
        let labels = ["stages[0].read": "--features", "stages[1].forward": "--model", "stages[2].write": "--output"]
        return try read(document, file: CommandLinePipeline.name, folder: ".", environment: environment,
                        settings: pipeline.settings(overrides), status: .usage, labels: labels).applying(overrides)
    }
}
