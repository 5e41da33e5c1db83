import FluentKit
import Testing
@testable import VanguardServer

/// A model that lists its properties (`ListedProperties`) must list every one Fluent's reflection
/// would find, the same objects in the same order: a property left out would be neither read nor saved.
@Suite("Models that list their properties list every one, as Fluent's reflection finds them")
struct ModelPropertiesTests {
    @Test("the listed models: customers, contacts, activities and deals; members, accounts and web sessions")
    func listsMatchReflection() {
        check(Customer.self)
        check(Contact.self)
        check(SalesActivity.self)
        check(Opportunity.self)
        check(Member.self)
        check(UserAccount.self)
        check(WebSession.self)
    }

    private func check<M: ListedProperties>(_ type: M.Type) {
        let model = M()
        let reflected = Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }
        #expect(!reflected.isEmpty)
        let same = model.properties.map { ObjectIdentifier($0 as AnyObject) } == reflected.map { ObjectIdentifier($0 as AnyObject) }
        #expect(same, "\(M.self) lists \(keys(model.properties)); reflection finds \(keys(reflected))")
    }

    private func keys(_ properties: [any AnyProperty]) -> String {
        properties.map { ($0 as? any AnyDatabaseProperty)?.keys.map(\.description).joined(separator: "+") ?? "\(type(of: $0))" }.joined(separator: ", ")
    }
}
