import Vapor
import VanguardCore

/// The campaign half of the market-promotion chapter in the OpenAPI document.
enum CampaignOpenAPI {
    typealias S = OpenAPISchemas
    typealias D = OpenAPIDocument

    static let date = S.str(format: "date")
    static let nullableNumber: JSONValue = ["type": "number", "nullable": true]
    static let number: JSONValue = ["type": "number"]
    static let statuses = CampaignStatus.allCases.map(\.rawValue), types = CampaignType.allCases.map(\.rawValue)

    static var paths: [(String, JSONValue)] {
        let paging = [D.param("limit"), D.param("cursor")]
        let id = D.param("id"), ifMatch = D.param("ifMatch")
        let spendId: JSONValue = ["name": "spendId", "in": "path", "required": true, "schema": S.uuid]
        let from = D.query("from", date, "First day (yyyy-MM-dd).")
        let to = D.query("to", date, "Last day (yyyy-MM-dd).")
        let model = D.query("model", S.enumeration(AttributionModel.allCases.map(\.rawValue)), "Credit won revenue by first touch (default) or last touch.")
        let period = D.query("period", S.str(8, min: 4, pattern: "^[0-9]{4}(-Q[1-4]|-M(0[1-9]|1[0-2]))?$"), "2026, 2026-Q4 or 2026-M11; this quarter if left out.")
        let list: (String, JSONValue) -> JSONValue = { description, item in ["description": .string(description), "content": ["application/json": ["schema": S.array(item)]]] }
        let binary: JSONValue = ["schema": ["type": "string", "format": "binary"]]
        let fileBody: JSONValue = .object([
            ("text/csv", binary), (Response.xlsxType.description, binary),
            ("multipart/form-data", ["schema": ["type": "object", "properties": ["file": ["type": "string", "format": "binary"]], "required": ["file"]]]),
        ])
        let importOp = { (opId: String, summary: String, params: [JSONValue]) in
            D.withBody(D.op(opId, summary, tag: "Campaigns", params: params + [D.query("dryRun", S.bool, "Only check the file; save nothing.")],
                            ok: [("200", D.json("MetricsImportReport", "What was (or, on a dry run, would be) imported."))], errors: ["404", "413", "415"]), fileBody)
        }
        return [
            ("/api/v1/campaigns", [
                "get": D.op("listCampaigns", "Campaigns, newest start first (MKT-1, MKT-4)", tag: "Campaigns", params: [
                    D.param("q"), D.query("status", S.enumeration(statuses)), D.query("type", S.enumeration(types)), D.query("ownerId", S.uuid),
                    D.query("from", date, "Campaigns running on or after this day."), D.query("to", date, "Campaigns starting on or before this day."),
                    D.query("sort", S.enumeration(["start", "-start", "name", "-name"])),
                ] + paging, ok: [("200", D.json("CampaignPage", "One page."))], errors: []),
                "post": D.op("createCampaign", "Plan a campaign (MP-2); it starts as a draft", tag: "Campaigns", body: "CampaignCreate",
                             ok: [("201", D.json("Campaign", "Planned.", etag: true, location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/campaigns/{id}", [
                "get": D.op("getCampaign", "A campaign's plan and status", tag: "Campaigns", params: [id], ok: [("200", D.json("Campaign", "The campaign.", etag: true))], errors: ["404"]),
                "patch": D.op("updateCampaign", "Change the plan, or move the campaign: submit, approve (the lead above the threshold), run, finish, evaluate",
                              tag: "Campaigns", params: [id, ifMatch], body: "CampaignPatch",
                              ok: [("200", D.json("Campaign", "Changed.", etag: true))], errors: ["404", "409", "412", "413", "415"]),
                "delete": D.op("deleteCampaign", "Move a campaign to the recycle bin", tag: "Campaigns", params: [id, ifMatch], ok: [("204", D.noContent)], errors: ["404", "412"]),
            ]),
            ("/api/v1/campaigns/{id}/restore", ["post": D.op("restoreCampaign", "Bring a campaign back from the recycle bin, with its leads and figures", tag: "Campaigns",
                                                          params: [id], ok: [("200", D.json("Campaign", "Restored.", etag: true))], errors: ["404", "409"])]),
            ("/api/v1/campaigns/{id}/history", ["get": D.op("campaignHistory", "The campaign's history, newest first", tag: "Campaigns", params: [id] + paging,
                                                          ok: [("200", D.json("AuditEventPage", "Newest first."))], errors: ["404"])]),
            ("/api/v1/campaigns/{id}/activities", [
                "get": D.op("listCampaignActivities", "The campaign's activities, by due date (MP-3)", tag: "Campaigns", params: [id],
                            ok: [("200", list("The activities.", S.ref("CampaignActivity")))], errors: ["404"]),
                "post": D.op("addCampaignActivity", "Add an activity with its owner and due date", tag: "Campaigns", params: [id], body: "CampaignActivityCreate",
                             ok: [("201", D.json("CampaignActivity", "Added.", etag: true, location: true))], errors: ["404", "413", "415"]),
            ]),
            ("/api/v1/campaign-activities/{id}", ["patch": D.op("updateCampaignActivity", "Change an activity or mark it done", tag: "Campaigns", params: [id, ifMatch],
                                                               body: "CampaignActivityPatch", ok: [("200", D.json("CampaignActivity", "Changed.", etag: true))],
                                                               errors: ["404", "412", "413", "415"])]),
            ("/api/v1/campaigns/{id}/spend", [
                "get": D.op("listCampaignSpend", "Spend booked on the campaign, oldest first (MP-3, MKT-5)", tag: "Campaigns", params: [id],
                            ok: [("200", list("The spend entries.", S.ref("CampaignSpend")))], errors: ["404"]),
                "post": D.op("addCampaignSpend", "Book spend; another currency needs the day's rate to CNY", tag: "Campaigns", params: [id], body: "CampaignSpendCreate",
                             ok: [("201", D.json("CampaignSpend", "Booked.", etag: true, location: true))], errors: ["404", "409", "413", "415"]),
            ]),
            ("/api/v1/campaigns/{id}/spend/{spendId}", ["delete": D.op("removeCampaignSpend", "Take back a spend entry (kept in the history)", tag: "Campaigns",
                                                                      params: [id, spendId], ok: [("204", D.noContent)], errors: ["404"])]),
            ("/api/v1/campaigns/{id}/metrics", [
                "get": D.op("listCampaignMetrics", "The campaign's daily figures per channel (MP-3)", tag: "Campaigns",
                            params: [id, from, to, D.query("channel", S.str(50))], ok: [("200", list("Oldest first.", S.ref("CampaignMetricsDay")))], errors: ["404"]),
                "post": D.op("addCampaignMetrics", "Type in days of figures; a day sent again replaces the earlier one", tag: "Campaigns", params: [id], body: "CampaignMetricsInput",
                             ok: [("200", D.json("MetricsImportReport", "Saved."))], errors: ["404", "413", "415"]),
            ]),
            ("/api/v1/campaigns/{id}/metrics/import", ["post": importOp("importCampaignMetrics", "Import an ad platform's CSV/XLSX export for this campaign: all rows or none", [id])]),
            ("/api/v1/campaign-metrics/import", ["post": importOp("importMetrics", "Import figures of many campaigns (a campaign code or name column): all rows or none", [])]),
            ("/api/v1/campaigns/{id}/evaluation", ["get": D.op("evaluateCampaign", "Spend against budget, leads, conversion, cost per lead and acquisition, ROI (MP-4)",
                                                             tag: "Campaigns", params: [id, from, to, model], ok: [("200", D.json("CampaignEvaluation", "The figures."))], errors: ["404"])]),
            ("/api/v1/campaigns/{id}/leads", ["get": D.op("campaignLeads", "The prospects the campaign brought in, newest first (MKT-4)", tag: "Campaigns", params: [id],
                                                        ok: [("200", list("At most 500.", S.ref("CampaignLead")))], errors: ["404"])]),
            ("/api/v1/campaign-evaluation", ["get": D.op("evaluateCampaigns", "Every campaign of a period and their roll-up (MP-4)", tag: "Campaigns", params: [period, model],
                                                       ok: [("200", D.json("PeriodEvaluation", "The figures."))], errors: [])]),
            ("/api/v1/campaign-evaluation/export", ["get": D.op("exportCampaignEvaluation", "The period evaluation as CSV or XLSX", tag: "Campaigns",
                                                              params: [period, model, D.query("format", S.enumeration(["csv", "xlsx"]))],
                                                              ok: [("200", ["description": "The file.", "content": .object([("text/csv", ["schema": ["type": "string"]]),
                                                                                                                             (Response.xlsxType.description, binary)])])],
                                                              errors: [])]),
        ]
    }

    static var schemas: [(String, JSONValue)] {
        let input: [(String, JSONValue)] = [
            ("name", S.str(200, min: 1, pattern: #"\S"#)), ("type", S.enumeration(types)), ("goalMetric", S.enumeration(GoalMetric.allCases.map(\.rawValue), nullable: true)),
            ("goalTarget", ["type": "integer", "minimum": 1, "nullable": true]), ("goalNote", S.str(1000)), ("audience", S.str(2000)),
            ("channels", ["type": "array", "items": S.str(50), "maxItems": 20]), ("contentPlan", S.str(10_000)),
            ("budget", ["type": "number", "minimum": 0, "maximum": .int(1_000_000_000_000), "multipleOf": .number(0.01)]),
            ("plannedCostPerLead", ["type": "number", "minimum": .number(0.01), "maximum": .int(1_000_000_000_000), "multipleOf": .number(0.01), "nullable": true]),
            ("startOn", S.str(format: "date", nullable: true)), ("endOn", S.str(format: "date", nullable: true)), ("ownerId", S.nullableUUID),
            ("slug", S.str(60, min: 1, pattern: "^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")), ("formOpen", S.bool), ("lessons", S.str(10_000)), ("followUp", S.str(10_000)),
            ("status", S.enumeration(statuses)),
        ]
        let activityInput: [(String, JSONValue)] = [("title", S.str(200, min: 1, pattern: #"\S"#)), ("ownerId", S.nullableUUID),
                                                    ("dueOn", S.str(format: "date", nullable: true)), ("done", S.bool), ("notes", S.str(5000))]
        let evaluation: [(String, JSONValue)] = [
            ("campaignId", S.nullableUUID), ("from", S.str(nullable: true)), ("to", S.str(nullable: true)), ("model", S.enumeration(AttributionModel.allCases.map(\.rawValue))),
            ("budget", number), ("spend", number), ("spendOfBudget", nullableNumber), ("impressions", S.int), ("clicks", S.int), ("visits", S.int),
            ("platformLeads", S.int), ("platformCost", number), ("leads", S.int), ("opportunities", S.int), ("wins", S.int), ("wonRevenue", number),
            ("wonRevenueFirstTouch", number), ("wonRevenueLastTouch", number), ("costPerLead", nullableNumber), ("plannedCostPerLead", nullableNumber),
            ("costPerAcquisition", nullableNumber), ("platformCostPerLead", nullableNumber), ("clickThrough", nullableNumber), ("leadToOpportunity", nullableNumber),
            ("leadToWin", nullableNumber), ("opportunityToWin", nullableNumber), ("returnOnInvestment", nullableNumber),
            ("goalMetric", S.str(nullable: true)), ("goalTarget", ["type": "integer", "nullable": true]), ("goalAttainment", nullableNumber),
            ("byChannel", S.array(S.object([("channel", S.str()), ("impressions", S.int), ("clicks", S.int), ("visits", S.int), ("leads", S.int), ("cost", number),
                                            ("costPerLead", nullableNumber)], required: ["channel", "impressions", "clicks", "visits", "leads", "cost"]))),
            ("weeks", S.array(S.object([("week", S.str()), ("leads", S.int), ("spend", number)], required: ["week", "leads", "spend"]))),
        ]
        return [
            ("Campaign", S.object([
                ("id", S.uuid), ("code", S.str()), ("slug", S.str()), ("formUrl", S.str()), ("name", S.str()), ("type", S.enumeration(types)), ("typeName", S.str()),
                ("status", S.enumeration(statuses)), ("statusName", S.str()), ("goalMetric", S.str(nullable: true)), ("goalTarget", ["type": "integer", "nullable": true]),
                ("goalNote", S.str()), ("audience", S.str()), ("channels", S.array(S.str())), ("contentPlan", S.str()), ("budget", number),
                ("plannedCostPerLead", nullableNumber), ("startOn", S.str(nullable: true)), ("endOn", S.str(nullable: true)), ("ownerId", S.nullableUUID),
                ("lessons", S.str()), ("followUp", S.str()), ("formOpen", S.bool), ("needsLeadApproval", S.bool), ("submittedAt", S.str(format: "date-time", nullable: true)),
                ("approvedAt", S.str(format: "date-time", nullable: true)), ("approvedBy", S.nullableUUID), ("evaluatedAt", S.str(format: "date-time", nullable: true)),
                ("createdAt", S.dateTime), ("version", S.int),
            ], required: ["id", "code", "slug", "formUrl", "name", "type", "status", "budget", "channels", "formOpen", "needsLeadApproval", "createdAt", "version"])),
            ("CampaignPage", S.page("Campaign")),
            ("CampaignCreate", S.object(input, required: ["name", "type"], closed: true)),
            ("CampaignPatch", S.object(input, required: [], closed: true)),
            ("CampaignActivity", S.object([("id", S.uuid), ("campaignId", S.uuid), ("title", S.str()), ("ownerId", S.nullableUUID), ("dueOn", S.str(nullable: true)),
                                           ("doneAt", S.str(format: "date-time", nullable: true)), ("notes", S.str()), ("version", S.int)],
                                          required: ["id", "campaignId", "title", "notes", "version"])),
            ("CampaignActivityCreate", S.object(activityInput, required: ["title"], closed: true)),
            ("CampaignActivityPatch", S.object(activityInput, required: [], closed: true)),
            ("CampaignSpend", S.object([("id", S.uuid), ("campaignId", S.uuid), ("partnerId", S.nullableUUID), ("spentOn", S.str()), ("currency", S.str()),
                                        ("amount", number), ("rate", S.str(nullable: true)), ("cny", number), ("note", S.str()), ("version", S.int)],
                                       required: ["id", "campaignId", "spentOn", "currency", "amount", "cny", "note", "version"])),
            ("CampaignSpendCreate", S.object([("spentOn", date), ("currency", S.str(3, min: 3, pattern: "^[A-Z]{3}$")),
                                              ("amount", ["type": "number", "minimum": .number(0.01), "maximum": .int(1_000_000_000_000), "multipleOf": .number(0.01)]),
                                              ("rate", S.str(20, pattern: #"^[0-9]{1,6}(\.[0-9]{1,6})?$"#)), ("partnerId", S.uuid), ("note", S.str(1000))],
                                             required: ["spentOn", "amount"], closed: true)),
            ("CampaignMetricsDay", S.object([("campaignId", S.uuid), ("channel", S.str()), ("day", S.str()), ("impressions", S.int), ("clicks", S.int),
                                             ("visits", S.int), ("leads", S.int), ("cost", number)],
                                            required: ["campaignId", "channel", "day", "impressions", "clicks", "visits", "leads", "cost"])),
            ("CampaignMetricsInput", S.object([("rows", ["type": "array", "minItems": 1, "maxItems": 5000, "items": S.object([
                ("channel", S.str(50, min: 1)), ("day", date), ("impressions", ["type": "integer", "minimum": 0]), ("clicks", ["type": "integer", "minimum": 0]),
                ("visits", ["type": "integer", "minimum": 0]), ("leads", ["type": "integer", "minimum": 0]),
                ("cost", ["type": "number", "minimum": 0, "maximum": .int(1_000_000_000_000), "multipleOf": .number(0.01)]),
            ], required: ["channel", "day"], closed: true)])], required: ["rows"], closed: true)),
            ("MetricsImportReport", S.object([("rows", S.int), ("campaigns", S.int), ("dryRun", S.bool), ("ignoredColumns", S.array(S.str()))],
                                             required: ["rows", "campaigns", "dryRun", "ignoredColumns"])),
            ("CampaignEvaluation", S.object(evaluation, required: ["model", "budget", "spend", "leads", "opportunities", "wins", "wonRevenue", "byChannel", "weeks"])),
            ("PeriodEvaluation", S.object([("period", S.str()), ("model", S.str()), ("total", S.ref("CampaignEvaluation")),
                                           ("campaigns", S.array(S.object([("campaignId", S.uuid), ("code", S.str()), ("name", S.str()), ("type", S.str()),
                                                                           ("status", S.str()), ("evaluation", S.ref("CampaignEvaluation"))],
                                                                          required: ["campaignId", "code", "name", "type", "status", "evaluation"])))],
                                          required: ["period", "model", "total", "campaigns"])),
            ("CampaignLead", S.object([("customerId", S.uuid), ("customerName", S.str()), ("contactName", S.str(nullable: true)), ("kind", S.str()),
                                       ("utmSource", S.str(nullable: true)), ("at", S.dateTime), ("status", S.str())],
                                      required: ["customerId", "customerName", "kind", "at", "status"])),
        ]
    }
}
