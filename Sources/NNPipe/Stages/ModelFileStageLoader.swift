/// The forward stage's model-file keys: `model` (npz, safetensors, ONNX or JSON, told apart by
/// their bytes), `activations` (one per layer, for npz and safetensors), `tensors` (which
/// tensors make each layer, for files whose names follow no convention), `output` (which
/// output of an ONNX graph with several to run), `batch_norm_eps` and `layer_norm_eps` (the
/// `eps` of the `BatchNorm1d`s and `LayerNorm`s of a `state_dict`, which does not record it).
extension LoadContext {
    /// A model file (npz, safetensors, ONNX, JSON) with the stage's `activations` and `tensors`.
    func modelFile(_ path: String, cursor: YAMLCursor, activations: YAMLCursor?, tensors: YAMLCursor?,
                   output: YAMLCursor? = nil, batchNormEpsilon: YAMLCursor? = nil,
                   layerNormEpsilon: YAMLCursor? = nil) -> ForwardStage? {
        let chosenOutput = output.flatMap { $0.nonEmptyString() }
        if output != nil && chosenOutput == nil { return nil }
        guard let epsilon = Self.epsilon(batchNormEpsilon, module: "BatchNorm1d"),
              let layerEpsilon = Self.epsilon(layerNormEpsilon, module: "LayerNorm") else { return nil }
        let chosen = activations.flatMap(activationList)
        let mapping = tensors.flatMap(tensorMapping)
        if activations != nil && chosen == nil || tensors != nil && mapping == nil { return nil }
        do throws(ModelError) {
            let loaded = try ModelFile.loadNetwork(path: path, activations: chosen, mapping: mapping, output: chosenOutput,
                                                   batchNormEpsilon: epsilon, layerNormEpsilon: layerEpsilon)
            // The model's external data is read as much as the model is: no output may replace it.
            for file in loaded.dataFiles { diagnostics.noteRead(file, role: "model's external data file", at: cursor) }
            var forward = ForwardStage(network: loaded.network, source: path)
            forward.layerOrder = loaded.order
            forward.inputSteps = loaded.inputSteps
            return forward
        } catch {
            // What the stage asks of the file is wrong at its key; a file that does not load is 78.
            switch error.stageKey {
            case .model?: cursor.report(error.problem)
            case .activations?: (activations ?? cursor).report(error.problem)
            case .tensors?: (tensors ?? cursor).report(error.problem)
            case .output?: (output ?? cursor).report(error.problem)
            case .batchNormEpsilon?: (batchNormEpsilon ?? cursor).report(error.problem)
            case .layerNormEpsilon?: (layerNormEpsilon ?? cursor).report(error.problem)
            case nil: cursor.report("cannot load the model: \(error.message)", status: error.status)
            }
        }
        return nil
    }

    /// An `eps` key's value: `.some(nil)` when absent, nil when it is not a positive number.
    private static func epsilon(_ cursor: YAMLCursor?, module: String) -> Double?? {
        guard let cursor else { return .some(nil) }
        guard let value = cursor.double() else { return nil }
        guard value > 0, value.isFinite else {
            cursor.report("must be a positive number (\(module)'s eps; PyTorch's default is 1e-5)")
            return nil
        }
        return .some(value)
    }

    func activationList(_ cursor: YAMLCursor) -> [Activation]? {
        guard let elements = cursor.sequence() else { return nil }
        var result: [Activation] = []
        for element in elements {
            guard let name = element.string() else { continue }
            guard let activation = Activation.named(name) else {
                // YAML splits a flow list at every comma: `[hardtanh(-2, 2)]` arrives as `hardtanh(-2` and `2)`.
                let quote = name.contains("(") != name.contains(")")
                    ? #"; an activation with several parameters is quoted in a flow list, ["hardtanh(-2, 2)", relu]"# : ""
                element.report("unknown activation '\(name)'\(quote); known: \(Activation.knownNames)")
                continue
            }
            result.append(activation)
        }
        return result.count == elements.count ? result : nil
    }

    /// `tensors: [{weights: NAME, bias: NAME, transpose: BOOL}, …]`, one entry per layer.
    func tensorMapping(_ cursor: YAMLCursor) -> [TensorMapping]? {
        guard let elements = cursor.sequence() else { return nil }
        if elements.isEmpty { cursor.report("must list at least one layer") }
        var result: [TensorMapping] = []
        for element in elements {
            guard let keys = element.mapping(allowed: ForwardStage.tensorMappingKeys, required: ["weights"]),
                  let weights = keys["weights"]?.nonEmptyString() else { continue }
            let bias = keys["bias"].flatMap { $0.nonEmptyString() }
            if keys["bias"] != nil && bias == nil { continue }
            let transpose = keys["transpose"].map { $0.bool() } ?? false
            guard let transpose else { continue }
            let batchNorm = keys["batch_norm"].flatMap { $0.nonEmptyString() }, epsilon = keys["eps"].flatMap { $0.double() }
            if (keys["batch_norm"] != nil && batchNorm == nil) || (keys["eps"] != nil && epsilon == nil) { continue }
            let layerNorm = keys["layer_norm"].flatMap { $0.nonEmptyString() }, prelu = keys["prelu"].flatMap { $0.nonEmptyString() }
            if (keys["layer_norm"] != nil && layerNorm == nil) || (keys["prelu"] != nil && prelu == nil) { continue }
            result.append(TensorMapping(weights: weights, bias: bias, transpose: transpose, batchNorm: batchNorm, epsilon: epsilon,
                                        layerNorm: layerNorm, prelu: prelu))
        }
        return result.count == elements.count && !elements.isEmpty ? result : nil
    }

}
