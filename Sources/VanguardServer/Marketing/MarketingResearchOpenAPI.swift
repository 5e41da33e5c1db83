import Vapor
import VanguardCore

/// The market research chapter's part of the OpenAPI document (issue 6, items 1 and 2): research
/// notes, competitors with their products, competitor events and the risk warnings.
enum MarketingResearchOpenAPI {
    typealias S = OpenAPISchemas
    typealias D = OpenAPIDocument

    static let date = S.str(format: "date")
    static let number: JSONValue = ["type": "number"]
    static let nullableNumber: JSONValue = ["type": "number", "nullable": true]
    static let kinds = CompetitorEventKind.allCases.map(\.rawValue)

    static var paths: [(String, JSONValue)] {
        let paging = [D.param("limit"), D.param("cursor")]
        let sort = { (fields: [String]) in D.query("sort", S.enumeration(fields.flatMap { [$0, "-" + $0] }), "Field to sort by; prefix - for descending.") }
        let id = D.param("id"), ifMatch = D.param("ifMatch")
        let productId: JSONValue = ["name": "productId", "in": "path", "required": true, "schema": S.uuid]
        var p: [(String, JSONValue)] = []
        p += D.resource("research-notes", "ResearchNote", "Market research", listParams: [
            D.param("q"), D.query("tag", S.str(ResearchTags.maxLength), "Notes with this tag (any case)."), D.query("competitorId", S.uuid),
            sort(ResearchNotesAPI.sortable)] + paging)
        p += D.resource("competitors", "Competitor", "Competitors", listParams: [D.param("q"), D.query("ownerId", S.uuid), sort(["name"])] + paging)
        p += [
            ("/api/v1/competitors/{id}/products", [
                "post": D.op("addCompetitorProduct", "Add a product with its price (MKT-2)", tag: "Competitors", params: [id], body: "CompetitorProductCreate",
                             ok: [("201", D.json("CompetitorProduct", "Added.", etag: true, location: true))], errors: ["404", "409", "413", "415"]),
            ]),
            ("/api/v1/competitors/{id}/products/{productId}", [
                "patch": D.op("updateCompetitorProduct", "Change a product's name or price", tag: "Competitors", params: [id, productId, ifMatch],
                              body: "CompetitorProductPatch", ok: [("200", D.json("CompetitorProduct", "Changed.", etag: true))],
                              errors: ["404", "409", "412", "413", "415"]),
                "delete": D.op("deleteCompetitorProduct", "Remove a product (its events keep its name)", tag: "Competitors", params: [id, productId, ifMatch],
                               ok: [("204", D.noContent)], errors: ["404", "412"]),
            ]),
        ]
        p += D.resource("competitor-events", "CompetitorEvent", "Competitor events", listParams: [
            D.param("q"), D.query("competitorId", S.uuid, "One competitor's timeline."), D.query("kind", S.enumeration(kinds)),
            D.query("from", date, "On or after this day."), D.query("to", date, "On or before this day."), sort(["occurredOn"])] + paging)
        p += [
            ("/api/v1/warnings", ["get": D.op("listWarnings", "Risk warnings the rules raised, newest first (RSK-M2)", tag: "Risk warnings", params: [
                D.query("status", S.enumeration(WarningService.statuses + ["any"]), "open means open or acknowledged."),
                D.query("severity", S.enumeration(RiskSeverity.allCases.map(\.rawValue))), D.query("subjectKind", S.str(40)), D.query("ruleKey", S.str(60)),
                D.query("ownerId", S.uuid), sort(["raisedAt"]),
            ] + paging, ok: [("200", D.json("RiskWarningPage", "One page."))], errors: [])]),
            ("/api/v1/warnings/{id}", [
                "get": D.op("getWarning", "One warning", tag: "Risk warnings", params: [id], ok: [("200", D.json("RiskWarning", "The warning.", etag: true))], errors: ["404"]),
                "patch": D.op("updateWarning", "Edit the response plan; acknowledge; resolve with a note (RSK-M2)", tag: "Risk warnings", params: [id, ifMatch],
                              body: "RiskWarningPatch", ok: [("200", D.json("RiskWarning", "Changed.", etag: true))], errors: ["404", "409", "412", "413", "415"]),
            ]),
            ("/api/v1/warnings/{id}/history", ["get": D.op("warningHistory", "The warning's history, newest first", tag: "Risk warnings", params: [id] + paging,
                                                         ok: [("200", D.json("AuditEventPage", "Newest first."))], errors: ["404"])]),
        ]
        return p
    }

    static var schemas: [(String, JSONValue)] {
        let text = { (max: Int) in S.str(max, min: 1, pattern: #"\S"#) }
        let tag = S.str(ResearchTags.maxLength, min: 1, pattern: #"^[^,，、;；#\n\r]*\S[^,，、;；#\n\r]*$"#)
        let noteInput: [(String, JSONValue)] = [
            ("title", text(200)), ("observedOn", date), ("findings", text(20_000)),
            ("sources", ["type": "array", "items": S.str(500, min: 1, pattern: #"^[^\n\r]*\S[^\n\r]*$"#), "minItems": 1, "maxItems": .int(ResearchNoteInput.maxSources)]),
            ("tags", ["type": "array", "items": tag, "maxItems": .int(ResearchTags.maxCount)]), ("competitorId", S.nullableUUID),
        ]
        let competitorInput: [(String, JSONValue)] = [
            ("name", text(100)), ("website", S.str(300)), ("segment", S.str(100)), ("notes", S.str(5_000)), ("ownerId", S.nullableUUID),
        ]
        let price = SalesOpenAPI.money
        let stamps: [(String, JSONValue)] = [("createdAt", S.dateTime), ("updatedAt", S.dateTime), ("deletedAt", S.dateTime)]
        return [
            ("ResearchNote", S.object([
                ("id", S.uuid), ("title", S.str()), ("observedOn", date), ("sources", S.array(S.str())), ("findings", S.str()), ("tags", S.array(S.str())),
                ("competitorId", S.nullableUUID), ("authorId", S.nullableUUID), ("version", S.int),
            ] + stamps, required: ["id", "title", "observedOn", "sources", "findings", "tags", "version"])),
            ("ResearchNotePage", S.page("ResearchNote")),
            ("ResearchNoteCreate", S.object(noteInput, required: ["title", "observedOn", "findings", "sources"], closed: true)),
            ("ResearchNotePatch", S.object(noteInput, required: [], closed: true)),
            ("CompetitorProduct", S.object([
                ("id", S.uuid), ("competitorId", S.uuid), ("name", S.str()), ("price", number), ("currency", S.enumeration(["CNY"])),
                ("priceOn", S.str(format: "date", nullable: true)), ("version", S.int),
            ], required: ["id", "competitorId", "name", "price", "currency", "version"])),
            ("CompetitorProductCreate", S.object([("name", text(100)), ("price", price)], required: ["name", "price"], closed: true)),
            ("CompetitorProductPatch", S.object([("name", text(100)), ("price", price)], required: [], closed: true)),
            ("Competitor", S.object([
                ("id", S.uuid), ("name", S.str()), ("website", S.str()), ("segment", S.str()), ("notes", S.str()), ("ownerId", S.nullableUUID),
                ("products", S.array(S.ref("CompetitorProduct"))), ("version", S.int),
            ] + stamps, required: ["id", "name", "website", "segment", "notes", "products", "version"])),
            ("CompetitorPage", S.page("Competitor")),
            ("CompetitorCreate", S.object(competitorInput, required: ["name"], closed: true)),
            ("CompetitorPatch", S.object(competitorInput, required: [], closed: true)),
            ("CompetitorEvent", S.object([
                ("id", S.uuid), ("competitorId", S.uuid), ("kind", S.enumeration(kinds)), ("kindName", S.str()), ("occurredOn", date), ("title", S.str()),
                ("details", S.str()), ("sourceUrl", S.str()), ("productId", S.nullableUUID), ("productName", S.str()), ("oldPrice", nullableNumber),
                ("newPrice", nullableNumber), ("changePercent", nullableNumber), ("recordedBy", S.nullableUUID), ("version", S.int),
            ] + stamps, required: ["id", "competitorId", "kind", "kindName", "occurredOn", "title", "details", "sourceUrl", "productName", "version"])),
            ("CompetitorEventPage", S.page("CompetitorEvent")),
            ("CompetitorEventCreate", S.object([
                ("competitorId", S.uuid), ("kind", S.enumeration(kinds)), ("occurredOn", date), ("title", text(200)), ("details", S.str(10_000)),
                ("sourceUrl", S.str(500)), ("productId", S.uuid), ("productName", S.str(100)), ("oldPrice", price), ("newPrice", price),
            ], required: ["competitorId", "kind", "occurredOn", "title"], closed: true)),
            ("CompetitorEventPatch", S.object([("title", text(200)), ("details", S.str(10_000)), ("sourceUrl", S.str(500))], required: [], closed: true)),
            ("RiskWarning", S.object([
                ("id", S.uuid), ("ruleKey", S.str()), ("clause", S.str()), ("severity", S.enumeration(RiskSeverity.allCases.map(\.rawValue))),
                ("subjectKind", S.str()), ("subjectId", S.str()), ("period", S.str()), ("ownerId", S.nullableUUID), ("message", S.str()),
                ("messages", S.localized), ("measuredPercent", nullableNumber), ("responsePlan", S.str()),
                ("status", S.enumeration(WarningService.statuses)), ("statusName", S.str()), ("raisedAt", S.dateTime),
                ("acknowledgedBy", S.nullableUUID), ("acknowledgedAt", S.str(format: "date-time", nullable: true)), ("resolvedBy", S.nullableUUID),
                ("resolvedAt", S.str(format: "date-time", nullable: true)), ("resolutionNote", S.str()), ("version", S.int),
            ], required: ["id", "ruleKey", "clause", "severity", "subjectKind", "subjectId", "period", "message", "messages", "responsePlan", "status",
                          "statusName", "raisedAt", "resolutionNote", "version"])),
            ("RiskWarningPage", S.page("RiskWarning")),
            ("RiskWarningPatch", S.object([
                ("responsePlan", S.str(5_000)), ("status", S.enumeration(WarningService.statuses)), ("resolutionNote", S.str(5_000)),
            ], required: [], closed: true)),
        ]
    }
}
