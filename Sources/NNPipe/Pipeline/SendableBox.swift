/// Moves a value into a Dispatch closure or a thread. Unchecked: used only for values handed from
/// one thread to the next (a chunk, a chunk's result), never touched by two threads at once.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
