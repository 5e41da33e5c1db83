import Vapor
import VanguardCore

/// The OpenAPI part of partners, channel accounts and the content calendar (MKT-3, MKT-5).
enum MarketingPartnerOpenAPI {
    typealias S = OpenAPISchemas
    typealias D = OpenAPIDocument

    static let kinds = PartnerKind.allCases.map(\.rawValue), engagementStatuses = EngagementStatus.allCases.map(\.rawValue)
    static let postStatuses = PostStatus.allCases.map(\.rawValue)
    static let count: JSONValue = ["type": "integer", "minimum": 0, "maximum": 2_147_483_647]
    static let nullableCount: JSONValue = ["type": "integer", "minimum": 0, "maximum": 2_147_483_647, "nullable": true]
    static let link = S.str(500, nullable: true)

    static var paths: [(String, JSONValue)] {
        let sort = { (fields: [String]) in D.query("sort", S.enumeration(fields.flatMap { [$0, "-" + $0] }), "Field to sort by; prefix - for descending.") }
        let paging = [D.param("limit"), D.param("cursor")]
        let id = D.param("id"), ifMatch = D.param("ifMatch")
        func child(_ name: String) -> JSONValue { ["name": .string(name), "in": "path", "required": true, "schema": S.uuid] }
        let contactId = child("contactId"), engagementId = child("engagementId")
        func list(_ schema: String, _ description: String) -> JSONValue {
            ["description": .string(description), "content": ["application/json": ["schema": S.array(S.ref(schema))]]]
        }
        var p = D.resource("partners", "Partner", "Partners", listParams: [
            D.param("q"), D.query("kind", S.enumeration(kinds)), D.query("ownerId", S.uuid), sort(PartnersAPI.sortable),
        ] + paging, patchErrors: ["409"])
        p += [
            ("/api/v1/partners/{id}/summary", ["get": D.op("partnerSummary", "Engagements, agreed total, spend and average rating (MKT-5)", tag: "Partners",
                                                         params: [id], ok: [("200", D.json("PartnerSummary", "The figures."))], errors: ["404"])]),
            ("/api/v1/partners/{id}/contacts", [
                "get": D.op("listPartnerContacts", "The partner's contacts, by name", tag: "Partners", params: [id],
                            ok: [("200", list("PartnerContact", "The contacts."))], errors: ["404"]),
                "post": D.op("addPartnerContact", "Add a contact at the partner", tag: "Partners", params: [id], body: "PartnerContactCreate",
                             ok: [("201", D.json("PartnerContact", "Added.", etag: true, location: true))], errors: ["404", "413", "415"]),
            ]),
            ("/api/v1/partners/{id}/contacts/{contactId}", [
                "get": D.op("getPartnerContact", "One contact", tag: "Partners", params: [id, contactId],
                            ok: [("200", D.json("PartnerContact", "The contact.", etag: true))], errors: ["404"]),
                "patch": D.op("updatePartnerContact", "Change a contact", tag: "Partners", params: [id, contactId, ifMatch], body: "PartnerContactPatch",
                              ok: [("200", D.json("PartnerContact", "Changed.", etag: true))], errors: ["404", "412", "413", "415"]),
                "delete": D.op("deletePartnerContact", "Remove a contact (kept in the history)", tag: "Partners", params: [id, contactId, ifMatch],
                               ok: [("204", D.noContent)], errors: ["404", "412"]),
            ]),
            ("/api/v1/partners/{id}/engagements", [
                "get": D.op("listPartnerEngagements", "The partner's engagements, latest start first", tag: "Partners", params: [id],
                            ok: [("200", list("PartnerEngagement", "The engagements."))], errors: ["404"]),
                "post": D.op("addPartnerEngagement", "Record an engagement; a rating only once it is finished (MKT-5)", tag: "Partners", params: [id],
                             body: "PartnerEngagementCreate", ok: [("201", D.json("PartnerEngagement", "Added.", etag: true, location: true))],
                             errors: ["404", "409", "413", "415"]),
            ]),
            ("/api/v1/partners/{id}/engagements/{engagementId}", [
                "get": D.op("getPartnerEngagement", "One engagement", tag: "Partners", params: [id, engagementId],
                            ok: [("200", D.json("PartnerEngagement", "The engagement.", etag: true))], errors: ["404"]),
                "patch": D.op("updatePartnerEngagement", "Change an engagement, finish it, rate it", tag: "Partners", params: [id, engagementId, ifMatch],
                              body: "PartnerEngagementPatch", ok: [("200", D.json("PartnerEngagement", "Changed.", etag: true))],
                              errors: ["404", "409", "412", "413", "415"]),
                "delete": D.op("deletePartnerEngagement", "Remove an engagement (kept in the history)", tag: "Partners", params: [id, engagementId, ifMatch],
                               ok: [("204", D.noContent)], errors: ["404", "412"]),
            ]),
        ]
        p += D.resource("channel-accounts", "ChannelAccount", "Channel accounts", listParams: [
            D.param("q"), D.query("channel", S.str(40)), D.query("ownerId", S.uuid), D.query("active", S.bool), sort(ChannelAccountsAPI.sortable),
        ] + paging, patchErrors: [])
        p += D.resource("content-posts", "ContentPost", "Content calendar", listParams: [
            D.param("q"), D.query("status", S.enumeration(postStatuses)), D.query("channelAccountId", S.uuid), D.query("campaignId", S.uuid),
            D.query("ownerId", S.uuid), sort(ContentPostList.sortable),
        ] + paging, patchErrors: ["409"])
        p.append(("/api/v1/content-posts/calendar", ["get": D.op("contentCalendar", "A month of posts in whole weeks, Monday first (MKT-3)", tag: "Content calendar",
                                                                params: [D.query("month", S.str(7, min: 7, pattern: ContentMonth.pattern), "yyyy-MM; this month if left out.")],
                                                                ok: [("200", D.json("ContentCalendar", "The month."))], errors: [])]))
        return p
    }

    static var schemas: [(String, JSONValue)] {
        let money = SalesOpenAPI.money
        let partnerInput: [(String, JSONValue)] = [
            ("kind", S.enumeration(kinds)), ("name", S.str(200, min: 1, pattern: #"\S"#)),
            ("uscc", S.str(18, pattern: "^([0-9A-HJ-NPQRTUWXY]{18})?$", nullable: true)), ("website", S.str(300, nullable: true)),
            ("notes", S.str(5_000)), ("ownerId", S.nullableUUID),
        ]
        let contactInput: [(String, JSONValue)] = [
            ("name", S.str(100, min: 1, pattern: #"\S"#)), ("title", S.str(100)),
            ("mobile", S.str(20, pattern: S.mobilePattern, nullable: true)), ("email", S.str(254, format: "email", nullable: true)),
        ]
        let engagementInput: [(String, JSONValue)] = [
            ("title", S.str(200, min: 1, pattern: #"\S"#)), ("campaignId", S.nullableUUID), ("startOn", S.str(format: "date")),
            ("endOn", S.str(format: "date", nullable: true)), ("agreedAmount", money), ("status", S.enumeration(engagementStatuses)),
            ("rating", ["type": "integer", "minimum": 1, "maximum": 5, "nullable": true]), ("ratingComment", S.str(2_000)), ("notes", S.str(5_000)),
        ]
        let accountInput: [(String, JSONValue)] = [
            ("channel", S.str(40, min: 1)), ("name", S.str(100, min: 1, pattern: #"\S"#)), ("handle", S.str(100)), ("url", S.str(300, nullable: true)),
            ("ownerId", S.nullableUUID), ("followers", nullableCount), ("active", S.bool), ("notes", S.str(2_000)),
        ]
        let postInput: [(String, JSONValue)] = [
            ("title", S.str(200, min: 1, pattern: #"\S"#)), ("channelAccountId", S.nullableUUID), ("campaignId", S.nullableUUID),
            ("body", S.str(20_000)), ("ownerId", S.nullableUUID), ("status", S.enumeration(postStatuses)),
            ("scheduledAt", S.str(format: "date-time", nullable: true)), ("link", link),
            ("views", nullableCount), ("likes", nullableCount), ("comments", nullableCount), ("shares", nullableCount), ("clicks", nullableCount),
        ]
        let post = S.object([
            ("id", S.uuid), ("title", S.str()), ("channelAccountId", S.uuid), ("campaignId", S.uuid), ("body", S.str()), ("ownerId", S.uuid),
            ("status", S.enumeration(postStatuses)), ("statusName", S.str()), ("scheduledAt", S.dateTime), ("publishedAt", S.dateTime), ("link", S.str()),
            ("views", count), ("likes", count), ("comments", count), ("shares", count), ("clicks", count), ("engagementRate", ["type": "number"]),
            ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime), ("deletedAt", S.dateTime),
        ], required: ["id", "title", "body", "status", "statusName", "version"])
        return [
            ("Partner", S.object([
                ("id", S.uuid), ("kind", S.enumeration(kinds)), ("kindName", S.str()), ("name", S.str()), ("uscc", S.str()), ("website", S.str()),
                ("notes", S.str()), ("ownerId", S.uuid), ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime), ("deletedAt", S.dateTime),
            ], required: ["id", "kind", "kindName", "name", "notes", "version"])),
            ("PartnerPage", S.page("Partner")),
            ("PartnerCreate", S.object(partnerInput, required: ["kind", "name"], closed: true)),
            ("PartnerPatch", S.object(partnerInput, required: [], closed: true)),
            ("PartnerSummary", S.object([
                ("partnerId", S.uuid), ("engagements", S.int), ("finished", S.int), ("agreedTotal", ["type": "number"]), ("spend", ["type": "number"]),
                ("averageRating", ["type": "number"]), ("ratedEngagements", S.int),
            ], required: ["partnerId", "engagements", "finished", "agreedTotal", "spend", "ratedEngagements"])),
            ("PartnerContact", S.object([
                ("id", S.uuid), ("partnerId", S.uuid), ("name", S.str()), ("title", S.str()), ("mobile", S.str()), ("email", S.str()), ("version", S.int),
            ], required: ["id", "partnerId", "name", "title", "version"])),
            ("PartnerContactCreate", S.object(contactInput, required: ["name"], closed: true)),
            ("PartnerContactPatch", S.object(contactInput, required: [], closed: true)),
            ("PartnerEngagement", S.object([
                ("id", S.uuid), ("partnerId", S.uuid), ("title", S.str()), ("campaignId", S.uuid), ("startOn", S.str(format: "date")),
                ("endOn", S.str(format: "date")), ("agreedAmount", ["type": "number"]), ("status", S.enumeration(engagementStatuses)), ("statusName", S.str()),
                ("rating", ["type": "integer", "minimum": 1, "maximum": 5]), ("ratingComment", S.str()), ("notes", S.str()), ("version", S.int),
            ], required: ["id", "partnerId", "title", "startOn", "agreedAmount", "status", "statusName", "ratingComment", "notes", "version"])),
            ("PartnerEngagementCreate", S.object(engagementInput, required: ["title", "startOn"], closed: true)),
            ("PartnerEngagementPatch", S.object(engagementInput, required: [], closed: true)),
            ("ChannelAccount", S.object([
                ("id", S.uuid), ("channel", S.str()), ("channelName", S.str()), ("name", S.str()), ("handle", S.str()), ("url", S.str()),
                ("ownerId", S.uuid), ("followers", count), ("active", S.bool), ("notes", S.str()), ("version", S.int),
                ("createdAt", S.dateTime), ("updatedAt", S.dateTime), ("deletedAt", S.dateTime),
            ], required: ["id", "channel", "channelName", "name", "handle", "active", "notes", "version"])),
            ("ChannelAccountPage", S.page("ChannelAccount")),
            ("ChannelAccountCreate", S.object(accountInput, required: ["channel", "name"], closed: true)),
            ("ChannelAccountPatch", S.object(accountInput, required: [], closed: true)),
            ("ContentPost", post),
            ("ContentPostPage", S.page("ContentPost")),
            ("ContentPostCreate", S.object(postInput, required: ["title"], closed: true)),
            ("ContentPostPatch", S.object(postInput, required: [], closed: true)),
            ("ContentCalendar", S.object([
                ("year", S.int), ("month", S.int),
                ("weeks", S.array(S.array(S.object([("date", S.str(format: "date")), ("inMonth", S.bool), ("posts", S.array(S.ref("ContentPost")))],
                                                   required: ["date", "inMonth", "posts"])))),
            ], required: ["year", "month", "weeks"])),
        ]
    }
}
