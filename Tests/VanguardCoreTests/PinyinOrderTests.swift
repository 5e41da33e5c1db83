import Foundation
import Testing
@testable import VanguardCore

@Suite("Names sort by pinyin, as a Chinese reader expects (SP-1: the customer file's list)")
struct PinyinOrderTests {
    func sorted(_ names: [String]) -> [String] {
        names.sorted { Array(PinyinOrder.key($0).utf8).lexicographicallyPrecedes(Array(PinyinOrder.key($1).utf8)) }
    }

    @Test("Chinese and Latin names interleave by their letters; digits first; names starting with the same character stay together")
    func order() {
        let names = ["中国移动", "Harbor Trading", "阿里巴巴", "北京星辰", "百度", "背景墙", "3M中国", "Apple", "华为", "西安", "先锋", "北京"]
        #expect(sorted(names.shuffled()) == ["3M中国", "阿里巴巴", "Apple", "百度", "北京", "北京星辰", "背景墙", "Harbor Trading", "华为",
                                             "西安", "先锋", "中国移动"])
    }

    @Test("a character's reading: no tones, ü as v, so 路 (lu) comes before 吕 and 绿 (lv)")
    func readings() {
        #expect(PinyinOrder.syllable("中") == "zhong")
        #expect(PinyinOrder.syllable("绿") == "lv")
        #expect(PinyinOrder.syllable("長") == PinyinOrder.syllable("长"), "traditional characters read as their simplified forms")
        #expect(PinyinOrder.syllable("A") == nil)
        #expect(sorted(["绿地", "路桥", "吕氏"]) == ["路桥", "吕氏", "绿地"])
    }

    @Test("full-width letters, case, spaces and punctuation do not move a name")
    func normalizing() {
        let plain = PinyinOrder.key("ABC科技")
        for variant in ["ＡＢＣ科技", "abc 科技", "A.B.C（科技）"] {
            #expect(plain.split(separator: "\u{1}").first == PinyinOrder.key(variant).split(separator: "\u{1}").first, "\(variant)")
        }
        #expect(PinyinOrder.key("北京").hasSuffix("\u{1}北京"), "the name itself breaks ties")
        #expect(PinyinOrder.key("北京") == "bei 北jing 京\u{1}北京")
        #expect(PinyinOrder.key("") == "\u{1}")
    }

    @Test("accented Latin letters sort with their base letter; other scripts after Latin")
    func otherScripts() {
        #expect(sorted(["Zeta", "Ωmega", "Eva", "Émile", "東京"]) == ["東京", "Émile", "Eva", "Zeta", "Ωmega"])
        #expect(PinyinOrder.key("Ωmega").hasPrefix("ωmega"))
    }

    @Test("a character the customer search leaves out (not a letter or digit to it) is left out of the key too, whatever newer Unicode says")
    func onlySearchableCharacters() {
        // The search finds a name starting with a fragment among the keys starting with the
        // fragment's own key: a kept symbol before it (Ⓐ, a CJK extension H ideograph) would
        // move the name elsewhere and the search would miss it.
        #expect(PinyinOrder.key("Ⓐ上海") == "shang 上hai 海\u{1}Ⓐ上海")
        #expect(PinyinOrder.key("\u{323B0}上海").hasPrefix("shang 上hai 海\u{1}"))
        var kept: [String] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let u = Unicode.Scalar(value), !TextSets.alphanumerics.contains(DuplicateCustomers.halfWidth(u)) else { continue }
            if !PinyinOrder.key(String(u)).hasPrefix("\u{1}") { kept.append(String(value, radix: 16)) }
        }
        #expect(kept.isEmpty, "kept: \(kept.prefix(20))")
        #expect(PinyinOrder.key("Émile") == "emile\u{1}Émile", "letters stay")
        #expect(PinyinOrder.key("ſummit ẛ") == "summits\u{1}ſummit ẛ", "the long s is an s to a case-insensitive search")
        // Only A–Z, a–z and the long s are taken as ASCII letters by their own scalar.
        let latin = (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init).filter { PinyinOrder.latinLetter($0) != nil }.map(\.value)
        #expect(latin == Array(0x41...0x5A) + Array(0x61...0x7A) + [0x17F])
    }
}
