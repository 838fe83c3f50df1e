/// The tensors of a safetensors file (Hugging Face's format, written by
/// `safetensors.torch.save_file` and `safetensors.numpy.save_file`).
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON
/// `{"NAME": {"dtype": "F32", "shape": [4, 3], "data_offsets": [BEGIN, END]}, …, "__metadata__": {…}}`,
/// then the data, which the offsets index (relative to the end of the header). F64, F32, F16
/// and BF16 are read; other types (`I64`, `BOOL`, …) are listed but not decoded
/// (``Tensor/unusable``); every offset is checked to lie in the file, the byte count to match the
/// shape, and no two tensors to overlap. Tensors are listed in the order of their data.
///
/// Tied weights: `safetensors.torch.save_model` writes a tensor shared by two modules once and
/// records the other name in `__metadata__` (`{"2.weight": "0.weight"}`); such a name is read as
/// a copy of the tensor it names, listed after it (``aliases(_:of:)``).
enum SafetensorsFile {
    /// A header longer than this is refused before it is read (real headers are kilobytes).
    static let maxHeaderBytes = 100 << 20

    /// Bytes per element of the types listed but not read, for the size check.
    static let otherItemSizes = ["I64": 8, "U64": 8, "I32": 4, "U32": 4, "I16": 2, "U16": 2, "I8": 1, "U8": 1, "BOOL": 1,
                                 "F8_E4M3": 1, "F8_E5M2": 1]

    static func tensors(_ bytes: UnsafeRawBufferPointer) throws(ModelError) -> [Tensor] {
        var cursor = ByteCursor(bytes, what: "the safetensors header")
        let declared = try cursor.u64()
        guard declared <= UInt64(maxHeaderBytes) else {
            throw ModelError("the safetensors header length \(declared) bytes is too large (at most \(maxHeaderBytes) bytes)")
        }
        let headerLength = Int(declared)
        guard headerLength <= cursor.remaining else {
            throw ModelError("the safetensors header length \(headerLength) bytes runs past the end of the file (\(bytes.count) bytes): truncated?")
        }
        let header: JSONValue
        do {
            header = try JSONValue.parse(Array(try cursor.take(headerLength)))
        } catch let error as JSONSyntaxError {
            throw ModelError("the safetensors header is not valid JSON: line \(error.line), column \(error.column): \(error.problem)")
        } catch {
            throw ModelError("\(error)")
        }
        let dataStart = cursor.position
        let dataSize = bytes.count - dataStart
        guard case .object(let entries) = header else {
            throw ModelError("the safetensors header is \(header.kindName), not an object of tensors")
        }
        var found: [(begin: Int, end: Int, tensor: Tensor)] = []
        for (name, entry) in entries where name != "__metadata__" {
            let what = "tensor '\(name)'"
            guard case .object(let fields) = entry else { throw ModelError("\(what): expected an object with dtype, shape and data_offsets") }
            let field = { (key: String) in fields.first { $0.key == key }?.value }
            guard case .string(let dtype)? = field("dtype") else { throw ModelError("\(what): missing dtype") }
            guard case .array(let shapeValues)? = field("shape") else { throw ModelError("\(what): missing shape") }
            guard case .array(let offsetValues)? = field("data_offsets"), offsetValues.count == 2 else {
                throw ModelError("\(what): missing data_offsets [begin, end]")
            }
            let shape = try shapeValues.map { (value) throws(ModelError) in try integer(value, what: "\(what): shape") }
            let begin = try integer(offsetValues[0], what: "\(what): data_offsets")
            let end = try integer(offsetValues[1], what: "\(what): data_offsets")
            guard begin <= end, end <= dataSize else {
                throw ModelError("\(what): data_offsets [\(begin), \(end)] lie outside the \(dataSize) data bytes")
            }
            let count = try ShapeArithmetic.elementCount(shape, what: what)
            let type: ElementType
            switch dtype {
            case "F64": type = .float64
            case "F32": type = .float32
            case "F16": type = .float16
            case "BF16": type = .bfloat16
            default:
                // Listed, not decoded (an I64 num_batches_tracked): refused only if the network needs it.
                if let itemSize = otherItemSizes[dtype] {
                    let size = try ShapeArithmetic.byteCount(count, itemSize: itemSize, what: what)
                    guard size == end - begin else {
                        throw ModelError("\(what): shape \(shape) of \(dtype) needs \(size) bytes but data_offsets give \(end - begin)")
                    }
                }
                let unusable = "\(what) has dtype \(dtype); nnpipe reads F64, F32, F16 and BF16 weights"
                found.append((begin, end, Tensor(name: name, shape: shape, dtype: dtype, unusable: unusable)))
                continue
            }
            let size = try ShapeArithmetic.byteCount(count, itemSize: type.size, what: what)
            guard size == end - begin else {
                throw ModelError("\(what): shape \(shape) of \(dtype) needs \(size) bytes but data_offsets give \(end - begin)")
            }
            if let error = MemoryLimit.modelError(allocating: count.multipliedReportingOverflow(by: 8).partialValue, for: what) { throw error }
            let values = type.decode(bytes, offset: dataStart + begin, count: count)
            found.append((begin, end, Tensor(name: name, shape: shape, dtype: dtype, values: values)))
        }
        found.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (previous, next) in zip(found, found.dropFirst()) where next.begin < previous.end {
            throw ModelError("tensors '\(previous.tensor.name)' and '\(next.tensor.name)' overlap (data_offsets [\(previous.begin), \(previous.end)] and [\(next.begin), \(next.end)])")
        }
        guard !found.isEmpty else { throw ModelError("the safetensors file holds no tensors") }
        let metadata = entries.first { $0.key == "__metadata__" }?.value
        return aliases(metadata, of: found.map(\.tensor))
    }

    /// `tensors` with the tied names `metadata` records added, each after the tensor it names:
    /// an entry `"ALIAS": "NAME"` where NAME is a tensor of the file, ALIAS is not, and both end in
    /// the same `.SUFFIX` (`2.weight` → `0.weight`), as `save_model` writes them. Other metadata
    /// (`"format": "pt"`) is not a tensor name, and is left alone.
    static func aliases(_ metadata: JSONValue?, of tensors: [Tensor]) -> [Tensor] {
        guard case .object(let entries)? = metadata else { return tensors }
        let names = Set(tensors.map(\.name))
        var aliases: [String: [String]] = [:]
        for (alias, value) in entries {
            guard case .string(let target) = value, names.contains(target), !names.contains(alias),
                  let suffix = target.split(separator: ".").last, target.contains("."), alias.hasSuffix(".\(suffix)") else { continue }
            aliases[target, default: []].append(alias)
        }
        guard !aliases.isEmpty else { return tensors }
        var result: [Tensor] = []
        for tensor in tensors {
            result.append(tensor)
            for alias in (aliases[tensor.name] ?? []).sorted() {
                var copy = tensor
                copy.name = alias
                result.append(copy)
            }
        }
        return result
    }

    private static func integer(_ value: JSONValue, what: String) throws(ModelError) -> Int {
        guard case .number(let number) = value, number >= 0, number <= 0x1p53, number.rounded() == number else {
            throw ModelError("\(what) must hold non-negative integers")
        }
        return Int(number)
    }
}
