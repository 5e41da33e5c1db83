import Fluent
import FluentSQL
import Foundation
import SQLKit
import VanguardCore

/// Lists show only the rows the access policy lets the reader see (`AccessPolicy.salesScope`):
/// a row is in scope when its owner is, or (for records about a customer) its customer's owner is.
extension QueryBuilder {
    /// For records with an owner (`owner_member_id`); `viaCustomer` also admits records whose
    /// customer (`customer_id`) is in scope.
    @discardableResult
    func inSalesScope(_ scope: RecordScope, viaCustomer: Bool = false) -> Self {
        switch scope {
        case .all:
            return self
        case .nothing:
            return filter(.sql(SQLQueryString("1 = 0")))
        case .owners(let member, let group):
            let table = Model.schemaOrAlias
            var sql = SQLQueryString("(") + SalesScopeSQL.owned(column: SQLQueryString("\(ident: table).owner_member_id"), member: member, group: group)
            if viaCustomer {
                sql = sql + SQLQueryString(" OR \(ident: table).customer_id IN (") + SalesScopeSQL.customers(member: member, group: group) + SQLQueryString(")")
            }
            return filter(.sql(sql + SQLQueryString(")")))
        }
    }

    /// For records that belong to a customer and have no owner of their own (contacts).
    @discardableResult
    func customerInSalesScope(_ scope: RecordScope) -> Self {
        switch scope {
        case .all: return self
        case .nothing: return filter(.sql(SQLQueryString("1 = 0")))
        case .owners(let member, let group):
            return filter(.sql(SQLQueryString("\(ident: Model.schemaOrAlias).customer_id IN (") + SalesScopeSQL.customers(member: member, group: group) + SQLQueryString(")")))
        }
    }
}

enum SalesScopeSQL {
    static func owned(column: SQLQueryString, member: UUID?, group: UUID?) -> SQLQueryString {
        var sql = column + SQLQueryString(" = \(bind: member)")
        if let group {
            sql = sql + SQLQueryString(" OR ") + column + SQLQueryString(" IN (SELECT id FROM \(ident: Member.schema) WHERE group_id = \(bind: group))")
        }
        return sql
    }

    static func customers(member: UUID?, group: UUID?) -> SQLQueryString {
        SQLQueryString("SELECT id FROM \(ident: Customer.schema) WHERE ") + owned(column: SQLQueryString("owner_member_id"), member: member, group: group)
    }
}
