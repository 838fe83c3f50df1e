import CCPU
import Dispatch
import Testing

@testable import NNPipe

/// The speculative decoder's pool below 4 decoders runs under SCHED_IDLE, on threads Dispatch
/// lends: a thread must never be handed back under it (whatever ran on it next would starve).
@Suite("Work under SCHED_IDLE leaves its thread under the ordinary policy")
struct IdlePolicyTests {
    @Test("runningWhenIdle: SCHED_IDLE inside where it can be undone, SCHED_OTHER after, always")
    func restored() {
        let queue = DispatchQueue(label: "nnpipe.test.idle")
        let (inside, after) = queue.sync {
            let inside = WorkerPriority.runningWhenIdle(as: "nnpipe-test") { CCPU_thread_policy() }
            return (inside, CCPU_thread_policy())
        }
        // SCHED_IDLE is 5, SCHED_OTHER 0.
        #expect(inside == (WorkerPriority.canLeaveIdle ? 5 : 0), "inside: \(inside)")
        #expect(after == 0, "after: \(after)")
    }
}
