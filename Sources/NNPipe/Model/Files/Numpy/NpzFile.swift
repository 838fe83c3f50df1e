/// The arrays of an `.npz` file (`np.savez`, `np.savez_compressed`): a ZIP archive whose
/// members are `.npy` arrays named `KEY.npy`; the tensors are named `KEY`, in archive order.
enum NpzFile {
    static func tensors(_ archive: ZipArchive) throws(ModelError) -> [Tensor] {
        if let pickle = archive.members.first(where: { TorchPickle.isPickleMember($0.name) }) {
            throw TorchPickle.problem("the file (a ZIP holding '\(pickle.name)')")
        }
        var tensors: [Tensor] = []
        for member in archive.members where !member.name.hasSuffix("/") {
            guard member.name.hasSuffix(".npy") else {
                throw ModelError("ZIP member '\(member.name)' is not a .npy array; an .npz holds only arrays")
            }
            let name = String(member.name.dropLast(4))
            let contents = try archive.contents(of: member)
            let tensor = contents.withUnsafeBytes { raw in Result { () throws(ModelError) in try NpyArray.decode(raw, name: name) } }
            tensors.append(try tensor.get())
        }
        guard !tensors.isEmpty else { throw ModelError("the .npz archive holds no arrays") }
        return tensors
    }
}
