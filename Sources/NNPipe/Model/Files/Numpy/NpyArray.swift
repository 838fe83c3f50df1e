/// One `.npy` array (numpy's format, versions 1.0, 2.0 and 3.0), decoded to a ``Tensor``.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header's length (2 bytes
/// little-endian in version 1, 4 bytes in versions 2 and 3), the header (a Python dict literal
/// with `descr`, `fortran_order` and `shape`), then the raw elements. Little-endian float64,
/// float32 and float16 are read, in C or Fortran order; object arrays (pickles, never
/// unpickled), big-endian, structured and other element types are listed with their type and
/// shape but not decoded (``Tensor/unusable``), and refused only where the network needs them.
enum NpyArray {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws(ModelError) -> Tensor {
        let what = "array '\(name)'"
        var cursor = ByteCursor(bytes, what: "the .npy data of \(what)")
        guard bytes.count >= 8, Array(bytes[0..<6]) == magic else {
            throw ModelError("\(what) is not a .npy array (no \\x93NUMPY magic)")
        }
        try cursor.skip(6)
        let major = try cursor.u8()
        _ = try cursor.u8()
        let headerLength: Int
        switch major {
        case 1: headerLength = Int(try cursor.u16())
        case 2, 3: headerLength = Int(try cursor.u32())
        default: throw ModelError("\(what) has .npy format version \(major); versions 1, 2 and 3 are read")
        }
        let header = Array(try cursor.take(headerLength))
        let (descr, fortran, shape) = try fields(PythonLiteral.parse(header), what: what)
        let count = try ShapeArithmetic.elementCount(shape, what: what)
        let type: ElementType
        switch elementType(descr, what: what) {
        case .success(let found): type = found
        case .failure(let unusable):
            // Listed, not decoded: only a tensor the network needs must be a float array.
            if let itemSize = itemSize(descr) {
                let size = try ShapeArithmetic.byteCount(count, itemSize: itemSize, what: what)
                guard size <= cursor.remaining else {
                    throw ModelError("\(what) is truncated: shape \(shape) of \(descr) needs \(size) bytes, \(cursor.remaining) are there")
                }
            }
            return Tensor(name: name, shape: shape, dtype: descr, unusable: unusable.problem)
        }
        let size = try ShapeArithmetic.byteCount(count, itemSize: type.size, what: what)
        guard size <= cursor.remaining else {
            throw ModelError("\(what) is truncated: shape \(shape) of \(descr) needs \(size) bytes, \(cursor.remaining) are there")
        }
        guard size == cursor.remaining else {
            throw ModelError("\(what) has \(cursor.remaining - size) bytes after its \(count) elements")
        }
        if let error = MemoryLimit.modelError(allocating: count.multipliedReportingOverflow(by: 8).partialValue, for: what) { throw error }
        var values = type.decode(bytes, offset: cursor.position, count: count)
        if fortran && shape.count > 1 { values = cOrder(fromFortran: values, shape: shape) }
        return Tensor(name: name, shape: shape, dtype: descr, values: values)
    }

    /// Bytes per element of a plain numpy type string (`<i8`: 8, `<U5`: 20), or nil for object
    /// and structured arrays, whose size the header does not settle.
    static func itemSize(_ descr: String) -> Int? {
        var text = Substring(descr)
        if let first = text.first, "<>|=".contains(first) { text = text.dropFirst() }
        guard let kind = text.first, kind != "O", let width = Int(text.dropFirst()), width > 0, width < 1 << 20 else { return nil }
        return kind == "U" ? 4 * width : width
    }

    /// `descr`, `fortran_order` and `shape` from the header dict.
    private static func fields(_ header: PythonLiteral, what: String) throws(ModelError) -> (String, Bool, [Int]) {
        guard case .dict(let members) = header else { throw ModelError("\(what): the .npy header is not a dict") }
        var descr: String?, fortran: Bool?, shape: [Int]?
        for (key, value) in members {
            switch (key, value) {
            case (.string("descr"), .string(let text)): descr = text
            case (.string("descr"), .list): descr = "structured"
            case (.string("fortran_order"), .bool(let flag)): fortran = flag
            case (.string("shape"), .tuple(let dims)):
                var result: [Int] = []
                for dim in dims {
                    guard case .integer(let n) = dim, n >= 0 else { throw ModelError("\(what): the .npy shape holds something other than sizes") }
                    result.append(n)
                }
                shape = result
            default: throw ModelError("\(what): unexpected .npy header entry \(key) (with descr, fortran_order and shape expected)")
            }
        }
        guard let descr, let fortran, let shape else {
            throw ModelError("\(what): the .npy header lacks descr, fortran_order or shape")
        }
        return (descr, fortran, shape)
    }

    /// The element type of a float array, or why the array cannot be weights.
    private static func elementType(_ descr: String, what: String) -> Result<ElementType, ModelError> {
        switch descr {
        case "<f8": return .success(.float64)
        case "<f4": return .success(.float32)
        case "<f2": return .success(.float16)
        case "structured":
            return .failure(ModelError("\(what) is a structured array (record dtype); save plain float arrays"))
        case "|O", "<O", ">O", "O":
            return .failure(ModelError("\(what) is an object array (pickled Python objects, dtype \(descr)); nnpipe reads float arrays only"))
        default:
            if descr.hasPrefix(">") {
                return .failure(ModelError("\(what) is big-endian (dtype \(descr)); save it little-endian, e.g. W.astype('<f8')"))
            }
            return .failure(ModelError("\(what) has dtype \(descr); nnpipe reads float64 (<f8), float32 (<f4) and float16 (<f2) weights"))
        }
    }

    /// Reorders Fortran-order (first index fastest) values into C order (last index fastest).
    static func cOrder(fromFortran values: [Double], shape: [Int]) -> [Double] {
        guard !values.isEmpty else { return values }
        // Fortran strides: 1, d0, d0·d1, …
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var result = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        for target in 0..<values.count {
            result[target] = values[source]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += strides[axis]
                if index[axis] < shape[axis] { break }
                source -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
