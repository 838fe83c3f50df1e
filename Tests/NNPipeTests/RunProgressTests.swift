import Dispatch
import Testing

@testable import NNPipe

/// The rate and time left of a progress display count the rows and bytes this process read: a
/// resumed run's skipped part (read by the killed run) counts toward the share, not the rate.
@Suite struct RunProgressTests {
    /// `seconds` after `since`.
    static func at(_ seconds: Double, after since: DispatchTime) -> DispatchTime {
        DispatchTime(uptimeNanoseconds: since.uptimeNanoseconds + UInt64(seconds * 1e9))
    }

    @Test func aFreshRunsRateCountsEveryRow() {
        var snapshot = RunProgress.Snapshot()
        (snapshot.rowsRead, snapshot.bytesRead, snapshot.bytesTotal) = (10_000, 1_000, 3_000)
        let now = Self.at(2, after: snapshot.readingSince)
        #expect(snapshot.rowsPerSecond(at: now) == 5_000)
        #expect(snapshot.secondsLeft(at: now) == 4)
    }

    @Test func aResumedRunsRateAndTimeLeftLeaveOutTheResumedPart() {
        let progress = RunProgress()
        progress.start(bytesTotal: 2_000)
        progress.beginInputs()
        progress.resumed(rows: 100_000, bytesRead: 1_000, file: "big.csv")
        progress.advance(rows: 10_000, bytesRead: 1_200, file: "big.csv")
        let snapshot = progress.snapshot
        #expect((snapshot.rowsRead, snapshot.bytesRead) == (110_000, 1_200))
        #expect((snapshot.rowsResumed, snapshot.bytesResumed) == (100_000, 1_000))
        let now = Self.at(2, after: snapshot.readingSince)
        // 10,000 rows and 200 bytes of its own in 2 s: 800 bytes left at 100 bytes/s.
        #expect(snapshot.rowsPerSecond(at: now) == 5_000)
        #expect(snapshot.secondsLeft(at: now) == 8)
    }

    @Test func outputsCommittedByTheKilledRunCountAsResumed() {
        let progress = RunProgress()
        progress.start(bytesTotal: 3_000)
        progress.passedOver(rows: 50_000, bytes: 1_000)
        progress.beginInputs()
        progress.advance(rows: 5_000, bytesRead: 500, file: "b.csv")
        let snapshot = progress.snapshot
        #expect((snapshot.rowsRead, snapshot.bytesRead, snapshot.rowsResumed, snapshot.bytesResumed) == (55_000, 1_500, 50_000, 1_000))
        let now = Self.at(1, after: snapshot.readingSince)
        #expect(snapshot.rowsPerSecond(at: now) == 5_000)
        #expect(snapshot.secondsLeft(at: now) == 3)
    }

    @Test func noRateInTheFirstHalfSecondOfReading() {
        var snapshot = RunProgress.Snapshot()
        (snapshot.rowsRead, snapshot.bytesRead, snapshot.bytesTotal) = (10_000, 1_000, 3_000)
        let now = Self.at(0.4, after: snapshot.readingSince)
        #expect(snapshot.rowsPerSecond(at: now) == nil)
        #expect(snapshot.secondsLeft(at: now) == nil)
    }
}
