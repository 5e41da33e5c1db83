import Foundation
import Testing
@testable import VanguardCore

/// The customer file's rules (SP-1, SAL-2): classification and score from the policy pack, and
/// spotting the same customer entered twice.
@Suite("Customer file: classification, scoring and duplicates (SP-1)")
struct CustomerFileTests {
    let rules = CustomerClassification.standard

    @Test("a large buyer found by referral is class A; a micro shop from a cold call is C (SP-1)")
    func classes() {
        let big = ProspectFacts(size: .large, expectedAnnualYuan: 2_000_000, source: .referral)
        #expect(rules.score(big) == 100)
        #expect(rules.classFor(score: rules.score(big)) == "A")
        let small = ProspectFacts(size: .micro, expectedAnnualYuan: 10_000, source: .phoneMarketing)
        // 10×30 + 10×50 + 40×20 = 1600 / 100 = 16
        #expect(rules.score(small) == 16)
        #expect(rules.classFor(score: 16) == "C")
    }

    @Test("the score is the weighted points, and the class bands meet exactly at their minimum")
    func bands() {
        // medium 70×30 + 300k 70×50 + trade show 70×20 = 7000/100 = 70 → A at exactly 70
        let f = ProspectFacts(size: .medium, expectedAnnualYuan: 300_000, source: .tradeShow)
        #expect(rules.score(f) == 70)
        #expect(rules.classFor(score: 70) == "A")
        #expect(rules.classFor(score: 69) == "B")
        #expect(rules.classFor(score: 40) == "B")
        #expect(rules.classFor(score: 39) == "C")
        // one yuan under a band falls to the band below
        #expect(rules.score(ProspectFacts(size: .medium, expectedAnnualYuan: 299_999, source: .tradeShow)) == 55)
    }

    @Test("unknown size or source scores nothing for that factor rather than failing")
    func missingFactors() {
        #expect(rules.score(ProspectFacts(size: nil, expectedAnnualYuan: 0, source: nil)) == 5)
    }

    @Test("a pack with all-zero weights or no classes is refused")
    func badRules() {
        var r = rules
        r.weights = .init(size: 0, potential: 0, source: 0)
        r.classes = []
        #expect(Set(r.problems(field: "c").map(\.code)) == ["invalidWeights", "required"])
    }

    @Test("names that differ only in legal form, width, case or spacing are the same customer")
    func nameKeys() {
        #expect(DuplicateCustomers.nameKey("上海星辰科技有限公司") == DuplicateCustomers.nameKey("上海星辰科技"))
        #expect(DuplicateCustomers.nameKey("上海 星辰 科技（集团）股份有限公司") == "上海星辰科技")
        #expect(DuplicateCustomers.nameKey("ＡＢＣ Trading Co., Ltd.") == "abctrading")
        #expect(DuplicateCustomers.nameKey("abc trading company limited") == "abctrading")
    }

    @Test("the fast name key and trimming give what the Foundation versions gave (keys already on file must still match)")
    func nameKeysAsBefore() {
        func foundationKey(_ name: String) -> String {
            var s = String(String.UnicodeScalarView(name.unicodeScalars.map(DuplicateCustomers.halfWidth))).lowercased()
            for form in DuplicateCustomers.chineseLegalForms { s = s.replacingOccurrences(of: form, with: "") }
            s = DuplicateCustomers.latinLegalForms.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: " ")
            s = s.replacingOccurrences(of: "（", with: "(").replacingOccurrences(of: "）", with: ")")
            return String(s.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
        }
        let names = ["上海星辰科技有限公司", "上海 星辰 科技（集团）股份有限公司", "ＡＢＣ Trading Co., Ltd.", "abc trading company limited",
                     "有限有限公司公司", "公司公司", "集团有限责任公司", "杭州云帆（集團）有限責任公司", "Principal Inc.", "GROUP 星辰 GmbH",
                     "café ÉLAN co.", "Ｓｕｍｍｉｔ　电子 LLC", "北京华腾贸易有限公司2", "", "   ", "İstanbul Corp", "星辰\u{301}公司", "公\u{301}司", "星辰公司\u{301}", "星辰有限公司\u{FE0F}科技", "集团\u{200D}公司"]
        for name in names {
            #expect(DuplicateCustomers.nameKey(name) == foundationKey(name), "\(name)")
            #expect(name.trimmingWhitespace() == name.trimmingCharacters(in: .whitespacesAndNewlines), "\(name)")
        }
        for text in [" \t星辰\n", "\u{3000}a b\u{200B}", "\u{85}x\u{2028}", "x", ""] {
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test("a phone's key is its digits, a mainland +86 dropped, whatever the spacing; the fast ASCII path agrees with the character one")
    func phoneKeys() {
        #expect(DuplicateCustomers.phoneKey("+86 138-1234-5678") == "13812345678")
        #expect(DuplicateCustomers.phoneKey("0571-8888 1234") == "057188881234")
        #expect(DuplicateCustomers.phoneKey("(021) 6666-0000 转 12") == "02166660000" + "12")
        #expect(DuplicateCustomers.phoneKey("１３８") == "", "full-width digits are not taken as digits")
        for phone in ["+86 138-1234-5678", "0998-1200001", "tel: 400 800 1234", "8613812345678"] {
            #expect(DuplicateCustomers.phoneKey(phone) == DuplicateCustomers.phoneKey(phone + "\u{3000}"), "the ASCII path and the other agree: \(phone)")
        }
    }

    @Test("similar names: one inside the other, or one character apart, but not short coincidences")
    func similarNames() {
        #expect(DuplicateCustomers.similar("上海星辰科技", "上海星辰科技南京分"))
        #expect(DuplicateCustomers.similar("上海星辰科技", "上海星晨科技"))
        #expect(!DuplicateCustomers.similar("星辰", "星辰科技"), "two characters are too short to mean anything")
        #expect(!DuplicateCustomers.similar("上海星辰科技", "北京月光贸易"))
    }

    @Test("the same credit code or phone is a duplicate whatever the name; reasons come strongest first")
    func reasons() {
        let a = DuplicateCustomers.Candidate(name: "星辰科技", uscc: "91310000MA1FL8XX0X", phones: ["+86 138-1234-5678"])
        let b = DuplicateCustomers.Candidate(name: "上海星辰科技有限公司", uscc: "91310000ma1fl8xx0x", phones: ["13812345678"])
        #expect(DuplicateCustomers.reasons(a, b) == [.sameUSCC, .samePhone, .similarName])
        let c = DuplicateCustomers.Candidate(name: "月光贸易", uscc: nil, phones: [])
        #expect(DuplicateCustomers.reasons(a, c).isEmpty)
    }
}

@Suite("Sales records: who may read and change them")
struct SalesAccessTests {
    let lead = UUID(), salesLead = UUID(), rep = UUID(), otherRep = UUID(), agent = UUID()
    let sales = UUID(), service = UUID()

    func actor(_ role: Role, member: UUID? = nil, group: UUID? = nil) -> Actor {
        Actor(userId: UUID(), role: role, memberId: member, groupId: group)
    }

    @Test("a rep keeps their own customers; the group lead sees the group's; finance and executives read all")
    func owners() {
        let repsCustomer = SalesFacts(owner: rep, group: sales)
        let repActor = actor(.member, member: rep, group: sales)
        #expect(AccessPolicy.decide(repActor, .update, .salesRecord(repsCustomer)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.member, member: otherRep, group: sales), .read, .salesRecord(repsCustomer)).isAllowed,
                "a colleague does not browse another rep's customers")
        #expect(AccessPolicy.decide(actor(.groupLead, member: salesLead, group: sales), .update, .salesRecord(repsCustomer)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.groupLead, member: UUID(), group: service), .read, .salesRecord(repsCustomer)).isAllowed)
        #expect(AccessPolicy.decide(actor(.finance), .read, .salesRecord(repsCustomer)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.finance), .update, .salesRecord(repsCustomer)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.executive), .update, .salesRecord(repsCustomer)).isAllowed)
        #expect(!AccessPolicy.decide(actor(.hr), .read, .salesRecord(repsCustomer)).isAllowed)
    }

    @Test("an agent's note on a rep's customer is readable by the rep, but only the agent may change it")
    func recordOnSomeoneElsesCustomer() {
        let note = SalesFacts(owner: agent, group: service, customerOwner: rep, customerGroup: sales)
        let repActor = actor(.member, member: rep, group: sales)
        #expect(AccessPolicy.decide(repActor, .read, .salesRecord(note)).isAllowed)
        #expect(!AccessPolicy.decide(repActor, .update, .salesRecord(note)).isAllowed)
        #expect(AccessPolicy.decide(actor(.member, member: agent, group: service), .update, .salesRecord(note)).isAllowed)
    }

    @Test("a list's scope shows exactly the rows the policy lets each role read")
    func scopeAgreesWithDecide() {
        let records: [SalesFacts] = [
            SalesFacts(owner: rep, group: sales), SalesFacts(owner: otherRep, group: sales),
            SalesFacts(owner: agent, group: service), SalesFacts(owner: nil, group: nil),
        ]
        let actors = [actor(.admin), actor(.lead, member: lead), actor(.groupLead, member: salesLead, group: sales),
                      actor(.member, member: rep, group: sales), actor(.hr), actor(.finance), actor(.executive)]
        for a in actors {
            for r in records {
                let inScope: Bool
                switch AccessPolicy.salesScope(a) {
                case .all: inScope = true
                case .nothing: inScope = false
                case .owners(let m, let g): inScope = (m != nil && r.owner == m) || (g != nil && r.group == g)
                }
                #expect(inScope == AccessPolicy.decide(a, .read, .salesRecord(r)).isAllowed, "\(a.role) on \(String(describing: r.owner))")
            }
        }
    }

    @Test("SP-1: a phone, and a name's digits, are indexed as every group of four digits; a search asks for the fewest groups covering its digits")
    func digitGroups() {
        #expect(DigitGroups.all("13800138000") == ["1380", "3800", "8001", "0013", "0138", "8000"], "each group once, in order")
        #expect(DigitGroups.all("8888") == ["8888"])
        #expect(DigitGroups.all("888") == [], "shorter than a group: a search needs four digits")
        #expect(DigitGroups.covering("13800138000") == ["1380", "0138", "8000"])
        #expect(DigitGroups.covering("2990") == ["2990"])
        #expect(DigitGroups.covering("26812") == ["2681", "6812"])
        #expect(DigitGroups.covering("88888888") == ["8888"])
        // A name's digits as the search reads the name: full-width as ASCII, over spaces and
        // punctuation, ended by a letter; fewer than four make no group.
        #expect(DigitGroups.inName("北京2990科技") == ["2990"])
        #expect(DigitGroups.inName("５８同城 12-34-5 A1234B") == ["1234", "2345"])
        #expect(DigitGroups.inName("3M中国 360安全 2024年") == ["2024"])
        #expect(DigitGroups.inName("Ⅻ 一二三四 ٣٣٣٣") == [], "only ASCII and full-width digits")
        #expect(DigitGroups.inName("1234١5678") == ["1234", "5678"], "another script's digit ends a run, as it stays in the search's text")
        var rng = SystemRandomNumberGenerator()
        // The import's path makes the same groups in the same order, each once over the name and every phone.
        let alphabet = Array("0123456789０１９ -.、　aZ北京Ⅻ١")
        for _ in 0..<500 {
            let name = String((0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let keys = (0..<Int.random(in: 0...3, using: &rng)).map { _ in String((0..<Int.random(in: 0...13, using: &rng)).map { _ in Array("0129")[Int.random(in: 0..<4, using: &rng)] }) }
            // Written plainly here: the name's runs of digits (over spaces and punctuation, ended by a
            // letter), then the phones; every window of four, the first of each kept.
            var runs: [String] = [], run = ""
            for c in name {
                let half = c.unicodeScalars.first.map(DuplicateCustomers.halfWidth).map(Character.init) ?? c
                if half.isASCII && half.isNumber { run.append(half) } else if half.isLetter || half.isNumber { runs.append(run); run = "" }
            }
            var groups: [String] = []
            for digits in (runs + [run] + keys).map(Array.init) where digits.count >= 4 {
                for i in 0...(digits.count - 4) where !groups.contains(String(digits[i..<i + 4])) { groups.append(String(digits[i..<i + 4])) }
            }
            #expect(DigitGroups.packed(name: name, keys: keys).map(DigitGroups.text) == groups, "\(name) \(keys)")
        }
        // Whatever digits are asked for, a number holding them holds every covering group.
        for _ in 0..<500 {
            let number = String((0..<Int.random(in: 4...15, using: &rng)).map { _ in Array("0123")[Int.random(in: 0..<4, using: &rng)] })
            let from = Int.random(in: 0...(number.count - 4), using: &rng), to = Int.random(in: (from + 4)...number.count, using: &rng)
            let digits = String(Array(number)[from..<to])
            #expect(Set(DigitGroups.covering(digits)).isSubset(of: DigitGroups.all(number)), "\(digits) in \(number)")
        }
    }
}
