import Foundation
import Testing
@testable import VanguardCore

/// Service-level clocks (CP-1, CP-2, RSK-C1): due times in working time or 24×7, pauses while
/// waiting on the customer, warnings and breaches.
@Suite("Service-level clocks (CP-1, CP-2, RSK-C1)")
struct ServiceLevelClockTests {
    let calendar = WorkingCalendar()
    let sla = SLAPolicy()
    var complaint: SLATarget { sla.target(for: .complaint, priority: .normal) }

    func firstResponse(created: String, responded: String? = nil, pauses: [PauseInterval] = [], now: String, target: SLATarget? = nil) -> SLAClockReading {
        let timeline = TicketTimeline(createdAt: chinaTime(created), pauses: pauses, firstResponseAt: responded.map(chinaTime))
        return SLAClock.firstResponse(timeline, target: target ?? complaint, now: chinaTime(now), calendar: calendar)
    }

    @Test("a normal complaint must be answered within 60 working minutes; the agent is warned at 80%")
    func runningAndWarning() {
        let early = firstResponse(created: "2026-03-09 10:00", now: "2026-03-09 10:30")
        #expect(early.state == .running)
        #expect(early.dueAt == chinaTime("2026-03-09 11:00"))
        #expect(early.warnAt == chinaTime("2026-03-09 10:48"))
        #expect(early.remainingMinutes == 30)
        #expect(!early.isWarning)
        let late = firstResponse(created: "2026-03-09 10:00", now: "2026-03-09 10:50")
        #expect(late.isWarning)
        #expect(late.remainingMinutes == 10)
    }

    @Test("answered in time is met; answered late is breached, by how much and since when")
    func metAndBreached() {
        let met = firstResponse(created: "2026-03-09 10:00", responded: "2026-03-09 10:59", now: "2026-03-09 15:00")
        #expect(met.state == .met)
        #expect(met.stoppedAt == chinaTime("2026-03-09 10:59"))
        #expect(!met.isWarning, "a stopped clock no longer warns")
        let onTheDot = firstResponse(created: "2026-03-09 10:00", responded: "2026-03-09 11:00", now: "2026-03-09 15:00")
        #expect(onTheDot.state == .met)
        let breached = firstResponse(created: "2026-03-09 10:00", responded: "2026-03-09 11:05", now: "2026-03-09 15:00")
        #expect(breached.state == .breached)
        #expect(breached.breachedAt == chinaTime("2026-03-09 11:00"))
        #expect(breached.remainingMinutes == -5)
        #expect(firstResponse(created: "2026-03-09 10:00", now: "2026-03-09 11:00:00").state == .running)
        #expect(firstResponse(created: "2026-03-09 10:00", now: "2026-03-09 11:00:01").state == .breached)
    }

    @Test("lunch, nights and holidays do not use up the working-time target")
    func workingTime() {
        let overLunch = firstResponse(created: "2026-03-09 11:30", now: "2026-03-09 12:45")
        #expect(overLunch.dueAt == chinaTime("2026-03-09 14:00"))
        #expect(overLunch.remainingMinutes == 30)
        #expect(overLunch.state == .running)
        let beforeHoliday = firstResponse(created: "2026-09-30 17:30", now: "2026-10-05 12:00")
        #expect(beforeHoliday.dueAt == chinaTime("2026-10-08 09:30"))
        #expect(beforeHoliday.state == .running)
        // Due at 12:00: still unanswered during lunch is already late.
        #expect(firstResponse(created: "2026-03-09 11:00", now: "2026-03-09 13:00").state == .breached)
    }

    @Test("waiting on the customer pauses the clock and moves the due time later")
    func pauses() {
        let target = complaint   // resolution: 900 working minutes, two working days
        let plain = TicketTimeline(createdAt: chinaTime("2026-03-09 09:00"))
        #expect(SLAClock.resolution(plain, target: target, now: chinaTime("2026-03-09 12:00"), calendar: calendar).dueAt == chinaTime("2026-03-10 18:00"))

        let waited = TicketTimeline(createdAt: chinaTime("2026-03-09 09:00"),
                                    pauses: [PauseInterval(start: chinaTime("2026-03-09 10:00"), end: chinaTime("2026-03-10 10:00"))])
        let resumed = SLAClock.resolution(waited, target: target, now: chinaTime("2026-03-11 12:00"), calendar: calendar)
        #expect(resumed.dueAt == chinaTime("2026-03-11 18:00"), "a working day of waiting moves it a working day later")
        #expect(resumed.state == .running)
        #expect(resumed.elapsedMinutes == 630)
        #expect(resumed.remainingMinutes == 270)

        let waiting = TicketTimeline(createdAt: chinaTime("2026-03-09 09:00"), pauses: [PauseInterval(start: chinaTime("2026-03-10 10:00"))])
        let paused = SLAClock.resolution(waiting, target: target, now: chinaTime("2026-03-10 16:00"), calendar: calendar)
        #expect(paused.state == .paused)
        #expect(paused.remainingMinutes == 390)
        #expect(paused.dueAt == chinaTime("2026-03-11 15:00"), "when it would run out if the customer answered now")
    }

    @Test("a clock read at the very instant of a move: paused the moment it waits, running the moment it resumes")
    func pauseAtTheInstant() {
        let target = complaint
        let moment = chinaTime("2026-03-10 10:00")
        let waitingNow = TicketTimeline(createdAt: chinaTime("2026-03-09 09:00"), pauses: [PauseInterval(start: moment)])
        #expect(SLAClock.resolution(waitingNow, target: target, now: moment, calendar: calendar).state == .paused)
        let resumedNow = TicketTimeline(createdAt: chinaTime("2026-03-09 09:00"), pauses: [PauseInterval(start: chinaTime("2026-03-09 10:00"), end: moment)])
        let reading = SLAClock.resolution(resumedNow, target: target, now: moment, calendar: calendar)
        #expect(reading.state == .running)
        #expect(reading.dueAt == chinaTime("2026-03-11 18:00"), "an hour used on Monday: Tuesday from 10:00 and all of Wednesday")
    }

    @Test("a pause after the due time does not undo the breach")
    func pausedTooLate() {
        let r = firstResponse(created: "2026-03-09 10:00", pauses: [PauseInterval(start: chinaTime("2026-03-09 11:30"))], now: "2026-03-09 15:00")
        #expect(r.state == .breached)
        #expect(r.breachedAt == chinaTime("2026-03-09 11:00"))
    }

    @Test("urgent tickets run 24×7: a Saturday-night complaint is due within 30 minutes, not on Monday")
    func urgentRunsAroundTheClock() {
        let urgent = sla.target(for: .complaint, priority: .urgent)
        #expect(urgent.clock == .continuous)
        let timeline = TicketTimeline(createdAt: chinaTime("2026-03-07 23:00"))
        #expect(SLAClock.firstResponse(timeline, target: urgent, now: chinaTime("2026-03-07 23:10"), calendar: calendar).dueAt == chinaTime("2026-03-07 23:30"))
        let resolution = SLAClock.resolution(timeline, target: urgent, now: chinaTime("2026-03-08 08:00"), calendar: calendar)
        #expect(resolution.state == .breached)
        #expect(resolution.breachedAt == chinaTime("2026-03-08 07:00"))
        let high = sla.target(for: .complaint, priority: .high)
        #expect(SLAClock.firstResponse(timeline, target: high, now: chinaTime("2026-03-07 23:10"), calendar: calendar).dueAt == chinaTime("2026-03-09 09:30"))
    }

    @Test("a target may warn a number of minutes before it runs out instead of at a fraction")
    func warnBefore() {
        let target = SLATarget(type: .inquiry, priority: .normal, firstResponseMinutes: 120, resolutionMinutes: 450, warnBeforeMinutes: 15)
        let r = firstResponse(created: "2026-03-09 09:00", now: "2026-03-09 10:50", target: target)
        #expect(r.dueAt == chinaTime("2026-03-09 11:00"))
        #expect(r.warnAt == chinaTime("2026-03-09 10:45"))
        #expect(r.isWarning)
    }
}

@Suite("Service-level targets in the policy pack")
struct ServiceLevelPolicyTests {
    @Test("every ticket type and priority has a target; the pack overrides only what it names")
    func targets() {
        let standard = SLAPolicy()
        #expect(standard.effectiveTargets.count == TicketType.allCases.count * TicketPriority.allCases.count)
        #expect(standard.target(for: .complaint, priority: .normal).firstResponseMinutes == 60)
        #expect(standard.target(for: .complaint, priority: .normal).resolutionMinutes == 900)
        #expect(TicketType.allCases.allSatisfy { standard.target(for: $0, priority: .urgent).clock == .continuous })
        #expect(TicketType.allCases.allSatisfy { standard.target(for: $0, priority: .normal).clock == .working })
        #expect(TicketType.allCases.allSatisfy { t in
            standard.target(for: t, priority: .urgent).firstResponseMinutes <= standard.target(for: t, priority: .low).firstResponseMinutes
        })

        let tuned = SLAPolicy(warnAtFraction: 0.5, targets: [SLATarget(type: .complaint, priority: .normal, firstResponseMinutes: 30, resolutionMinutes: 450)])
        #expect(tuned.target(for: .complaint, priority: .normal).firstResponseMinutes == 30)
        #expect(tuned.target(for: .inquiry, priority: .normal).firstResponseMinutes == 240)
        #expect(tuned.problems().isEmpty)
        let r = SLAClock.firstResponse(TicketTimeline(createdAt: chinaTime("2026-03-09 09:00")), target: tuned.target(for: .complaint, priority: .normal),
                                       defaultWarnFraction: tuned.effectiveWarnAtFraction, now: chinaTime("2026-03-09 09:16"), calendar: WorkingCalendar())
        #expect(r.isWarning, "half of 30 minutes used")
    }

    @Test("impossible targets are refused by field: duplicates, zero minutes, fractions outside (0,1), two kinds of warning")
    func problems() {
        let sla = SLAPolicy(warnAtFraction: 1, targets: [
            SLATarget(type: .complaint, priority: .normal, firstResponseMinutes: 60, resolutionMinutes: 900),
            SLATarget(type: .complaint, priority: .normal, firstResponseMinutes: 0, resolutionMinutes: 900),
            SLATarget(type: .inquiry, priority: .low, firstResponseMinutes: 480, resolutionMinutes: 240, warnAtFraction: 0),
            SLATarget(type: .dispute, priority: .high, firstResponseMinutes: 60, resolutionMinutes: 900, warnAtFraction: 0.8, warnBeforeMinutes: 60),
        ])
        let found = Set(sla.problems().map { "\($0.field) \($0.code)" })
        #expect(found == [
            "service.sla.warnAtFraction outOfRange",
            "service.sla.targets[1] duplicate",
            "service.sla.targets[1].firstResponseMinutes tooSmall",
            "service.sla.targets[2].resolutionMinutes beforeFirstResponse",
            "service.sla.targets[2].warnAtFraction outOfRange",
            "service.sla.targets[3].warnBeforeMinutes conflict",
            "service.sla.targets[3].warnBeforeMinutes outOfRange",
        ])
    }
}
