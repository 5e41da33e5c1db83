import Foundation
import Testing
@testable import VanguardCore

/// Partners and their engagements (MKT-5), and a published post's figures (MKT-3).
@Suite("Marketing partners and post figures (MKT-5, MKT-3)")
struct MarketingPartnerRulesTests {
    let start = CivilDate("2026-03-01")!

    @Test("MKT-5: an engagement ends on or after the day it starts")
    func dates() {
        let same = EngagementFacts(status: .planned, startOn: start, endOn: start)
        #expect(PartnerRules.problems(same, from: nil).isEmpty)
        let before = EngagementFacts(status: .planned, startOn: start, endOn: CivilDate("2026-02-28")!)
        #expect(PartnerRules.problems(before, from: nil).map(\.code) == ["endBeforeStart"])
        #expect(PartnerRules.problems(before, from: nil).first?.field == "endOn")
    }

    @Test("MKT-5: a rating (1–5) and its comment only on a finished engagement")
    func ratingOnlyWhenFinished() {
        for status in [EngagementStatus.planned, .active] {
            let rated = EngagementFacts(status: status, startOn: start, rating: 4)
            #expect(PartnerRules.problems(rated, from: status).map(\.code) == ["notFinished"], "\(status)")
            let commented = EngagementFacts(status: status, startOn: start, ratingComment: "响应很快")
            #expect(PartnerRules.problems(commented, from: status).map(\.field) == ["ratingComment"])
        }
        #expect(PartnerRules.problems(EngagementFacts(status: .finished, startOn: start, rating: 5, ratingComment: "很好"), from: .active).isEmpty)
        for bad in [0, 6, -1] {
            #expect(PartnerRules.problems(EngagementFacts(status: .finished, startOn: start, rating: bad), from: .finished).map(\.code) == ["outOfRange"])
        }
        #expect(PartnerRules.problems(EngagementFacts(status: .finished, startOn: start), from: .active).isEmpty, "rating later is fine")
    }

    @Test("MKT-5: a finished engagement does not go back to planned or active")
    func finishedStays() {
        #expect(PartnerRules.problems(EngagementFacts(status: .active, startOn: start), from: .finished).map(\.code) == ["moveNotAllowed"])
        #expect(PartnerRules.problems(EngagementFacts(status: .finished, startOn: start), from: .planned).isEmpty)
        #expect(PartnerRules.problems(EngagementFacts(status: .planned, startOn: start), from: .active).isEmpty)
        let reopenedRated = EngagementFacts(status: .active, startOn: start, rating: 5, ratingComment: "好")
        #expect(PartnerRules.problems(reopenedRated, from: .finished).map(\.field) == ["status"], "the refused move is the one problem named")
    }

    @Test("MKT-5: the average rating counts only rated engagements, to one decimal")
    func average() {
        #expect(PartnerRules.averageRating([]) == nil)
        #expect(PartnerRules.averageRating([nil, nil]) == nil)
        #expect(PartnerRules.averageRating([5, nil, 4, 4]) == 4.3)
    }

    @Test("MKT-5: the kinds have names in three languages")
    func kindNames() {
        #expect(PartnerKind.allCases.count == 6)
        #expect(PartnerKind.adAgency.name[.zhHans] == "广告代理" && PartnerKind.media.name[.zhHant] == "媒體" && PartnerKind.kol.name[.en].contains("KOL"))
    }

    @Test("MKT-3: figures are non-negative counts, recorded only on a published post")
    func figures() {
        #expect(PostFigures(views: 1200, likes: 30, comments: 5, shares: 4, clicks: 80).problems(status: .published).isEmpty)
        #expect(PostFigures(views: -1).problems(status: .published).map(\.code) == ["negative"])
        #expect(PostFigures(likes: 3).problems(status: .scheduled).map(\.code) == ["notPublished"])
        #expect(PostFigures().problems(status: .draft).isEmpty, "no figures: nothing to refuse")
        #expect(PostFigures(views: 1000, likes: 30, comments: 5, shares: 4).engagementRate == 3.9)
        #expect(PostFigures(views: 0, likes: 3).engagementRate == nil)
    }
}
