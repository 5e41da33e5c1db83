import Foundation
import Vapor

/// `GET /api/v1/openapi.json`: the API described as OpenAPI 3.0. CI checks the live server
/// against it with schemathesis, so a route that answers differently from this fails the build.
enum OpenAPIDocument {
    typealias S = OpenAPISchemas

    static let data: Data = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(document)) ?? Data()
    }()

    static func serve(req: Request) async throws -> Response {
        let r = Response(status: .ok, body: .init(data: data))
        r.headers.contentType = .json
        return r
    }

    static var document: JSONValue {
        [
            "openapi": "3.0.3",
            "info": [
                "title": "Vanguard API",
                "version": "1.0.0",
                "description": "Runs a company's marketing team by its management policy. JSON in camelCase; errors are RFC 9457 problem+json naming the fields; single resources carry an ETag, and PATCH/DELETE with a stale If-Match get 412; lists page with limit and cursor.",
            ],
            "servers": [["url": "/"]],
            "security": [["bearer": []]],
            "paths": .object(withIdempotencyKeys(paths)),
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "description": "A personal token from POST /api/v1/auth/token."]],
                "schemas": S.all.merging(SalesOpenAPI.schemas).merging(ServiceOpenAPI.schemas).merging(MarketingResearchOpenAPI.schemas).merging(MarketingPartnerOpenAPI.schemas).merging(CampaignOpenAPI.schemas),
                "responses": .object(problemResponses),
                "parameters": [
                    "id": ["name": "id", "in": "path", "required": true, "schema": S.uuid],
                    "limit": ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 200, "default": 50]],
                    "cursor": ["name": "cursor", "in": "query", "schema": S.str(1000)],
                    "q": ["name": "q", "in": "query", "description": "Case-insensitive text search.", "schema": S.str(200)],
                    "ifMatch": ["name": "If-Match", "in": "header", "description": "The ETag you read; a stale one gets 412.",
                                "schema": S.str(pattern: ETag.headerPattern)],
                    "idempotencyKey": ["name": .string(IdempotencyMiddleware.header), "in": "header",
                                       "description": "Any unique string (a UUID): a retry with the same key gets the first answer again and never makes a second record.",
                                       "schema": S.str(200, min: 1, pattern: "^[!-~]+$")],
                ],
            ],
        ]
    }

    /// Every signed-in POST takes an Idempotency-Key (see `IdempotencyMiddleware`).
    static func withIdempotencyKeys(_ paths: [(String, JSONValue)]) -> [(String, JSONValue)] {
        paths.map { path, item in
            guard case .object(let methods) = item else { return (path, item) }
            return (path, .object(methods.map { method, operation in
                guard method == "post", case .object(var pairs) = operation, !pairs.contains(where: { $0.0 == "security" }) else { return (method, operation) }
                if let i = pairs.firstIndex(where: { $0.0 == "parameters" }), case .array(let params) = pairs[i].1 {
                    pairs[i].1 = .array(params + [param("idempotencyKey")])
                } else {
                    pairs.insert(("parameters", [param("idempotencyKey")]), at: min(3, pairs.count))
                }
                return (method, .object(pairs))
            }))
        }
    }

    // MARK: building blocks

    static let problemCodes: [(String, String)] = [
        ("400", "Malformed request or query."), ("401", "Not signed in, or the token is not valid."), ("403", "The access policy refuses this."),
        ("404", "No such record."), ("409", "Conflicts with existing data."), ("412", "The If-Match ETag is stale."),
        ("405", "The address does not take this method."), ("413", "The body is too large."), ("415", "The body is not JSON."), ("422", "The input is not valid; `errors` names the fields."),
        ("503", "The database cannot be reached."),
    ]

    static var problemResponses: [(String, JSONValue)] {
        problemCodes.map { code, description in
            (code, ["description": .string(description), "content": ["application/problem+json": ["schema": S.ref("Problem")]]])
        }
    }

    static func problem(_ code: String) -> (String, JSONValue) {
        (code, ["$ref": .string("#/components/responses/\(code)")])
    }

    static func param(_ name: String) -> JSONValue { ["$ref": .string("#/components/parameters/\(name)")] }

    static func query(_ name: String, _ schema: JSONValue, _ description: String? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("name", .string(name)), ("in", "query"), ("schema", schema)]
        if let description { pairs.append(("description", .string(description))) }
        return .object(pairs)
    }

    static func json(_ schema: String, _ description: String, etag: Bool = false, location: Bool = false) -> JSONValue {
        var headers: [(String, JSONValue)] = []
        if etag { headers.append(("ETag", ["description": "The record's version.", "schema": S.str()])) }
        if location { headers.append(("Location", ["description": "Where the new record lives.", "schema": S.str()])) }
        var pairs: [(String, JSONValue)] = [("description", .string(description)), ("content", ["application/json": ["schema": S.ref(schema)]])]
        if !headers.isEmpty { pairs.append(("headers", .object(headers))) }
        return .object(pairs)
    }

    static let noContent: JSONValue = ["description": "Done; nothing to return."]

    /// An operation with the problems every signed-in call can meet, plus `errors`.
    static func op(_ id: String, _ summary: String, tag: String, params: [JSONValue] = [], body: String? = nil,
                   ok: [(String, JSONValue)], errors: [String], secured: Bool = true) -> JSONValue {
        var responses = ok
        var codes = ["400", "422"] + errors
        if secured { codes += ["401", "403"] }
        for code in Set(codes).sorted() { responses.append(problem(code)) }
        var pairs: [(String, JSONValue)] = [("operationId", .string(id)), ("summary", .string(summary)), ("tags", [.string(tag)])]
        if !params.isEmpty { pairs.append(("parameters", .array(params))) }
        if let body {
            pairs.append(("requestBody", ["required": true, "content": ["application/json": ["schema": S.ref(body)]]]))
        }
        pairs.append(("responses", .object(responses)))
        if !secured { pairs.append(("security", [])) }
        return .object(pairs)
    }

    /// An upload of a CSV or XLSX file (raw body or a multipart form's `file`), checked whole before anything is saved.
    static func importOp(_ id: String, _ summary: String, tag: String) -> JSONValue {
        let operation = op(id, summary, tag: tag, params: [query("dryRun", S.bool, "Only check the file; save nothing.")],
                           ok: [("200", json("ImportReport", "What was (or, on a dry run, would be) imported."))], errors: ["409", "413", "415"])
        let binary: JSONValue = ["schema": ["type": "string", "format": "binary"]]
        let content: JSONValue = .object([
            ("text/csv", binary),
            (Response.xlsxType.description, binary),
            ("multipart/form-data", ["schema": ["type": "object", "properties": ["file": ["type": "string", "format": "binary"]], "required": ["file"]]]),
        ])
        return withBody(operation, content)
    }

    /// An operation with a request body that is not a JSON schema (files, forms).
    static func withBody(_ operation: JSONValue, _ content: JSONValue) -> JSONValue {
        guard case .object(var pairs) = operation else { return operation }
        pairs.insert(("requestBody", ["required": true, "content": content]), at: pairs.count - 1)
        return .object(pairs)
    }

    /// A multipart form carrying a `file` (at most `StoredFiles.maxBytes`) and other fields.
    static func fileUpload(_ fields: [(String, JSONValue)]) -> JSONValue {
        let file: JSONValue = ["type": "string", "format": "binary", "description": .string("At most \(StoredFiles.maxBytes) bytes.")]
        return ["multipart/form-data": ["schema": S.object([("file", file)] + fields, required: ["file"])]]
    }

    /// A stored file's bytes, in whichever type `FileKind` read from them; always a download.
    static var storedFile: JSONValue {
        let binary: JSONValue = ["schema": ["type": "string", "format": "binary"]]
        let types = FileKind.allCases.map { $0.contentType.split(separator: ";").first.map(String.init) ?? $0.contentType }
        return ["description": "The file, as an attachment (Content-Disposition with an RFC 5987 filename*; X-Content-Type-Options: nosniff).",
                "content": .object(types.map { ($0, binary) })]
    }

    /// The five operations of a soft-deletable resource: list, create, read, change, delete, restore.
    static func resource(_ path: String, _ name: String, _ tag: String, listParams: [JSONValue], patchErrors: [String] = ["409"],
                         deleteErrors: [String] = []) -> [(String, JSONValue)] {
        let id = param("id"), ifMatch = param("ifMatch")
        return [
            ("/api/v1/\(path)", [
                "get": op("list\(name)s", "List \(tag.lowercased())", tag: tag, params: listParams, ok: [("200", json("\(name)Page", "One page."))], errors: []),
                "post": op("create\(name)", "Create", tag: tag, body: "\(name)Create",
                           ok: [("201", json(name, "Created.", etag: true, location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/\(path)/{id}", [
                "get": op("get\(name)", "Read one", tag: tag, params: [id], ok: [("200", json(name, "The record.", etag: true))], errors: ["404"]),
                "patch": op("update\(name)", "Change some fields", tag: tag, params: [id, ifMatch], body: "\(name)Patch",
                            ok: [("200", json(name, "Changed.", etag: true))], errors: ["404", "412", "413", "415"] + patchErrors),
                "delete": op("delete\(name)", "Move to the recycle bin", tag: tag, params: [id, ifMatch],
                             ok: [("204", noContent)], errors: ["404", "412"] + deleteErrors),
            ]),
            ("/api/v1/\(path)/{id}/history", [
                "get": op("\(name.prefix(1).lowercased() + name.dropFirst())History", "The record's history, newest first", tag: tag,
                          params: [id, param("limit"), param("cursor")], ok: [("200", json("AuditEventPage", "Newest first."))], errors: ["404"]),
            ]),
            ("/api/v1/\(path)/{id}/restore", [
                "post": op("restore\(name)", "Restore from the recycle bin", tag: tag, params: [id],
                           ok: [("200", json(name, "Restored.", etag: true))], errors: ["404", "409"]),
            ]),
        ]
    }

    static var paths: [(String, JSONValue)] {
        let sort = { (fields: [String]) in
            query("sort", S.enumeration(fields.flatMap { [$0, "-" + $0] }),
                  "Field to sort by; prefix - for descending." + (fields.contains("name") ? " Names sort by pinyin, Chinese and Latin names together." : ""))
        }
        let paging = [param("limit"), param("cursor")]
        var p: [(String, JSONValue)] = [
            ("/healthz", ["get": op("health", "Is the server and its database up?", tag: "Operations",
                                    ok: [("200", json("Health", "Up.")), ("503", json("Health", "The database cannot be reached."))], errors: [], secured: false)]),
            ("/api/v1/auth/token", ["post": op("createToken", "Exchange e-mail and password for a bearer token", tag: "Auth", body: "TokenRequest",
                                                ok: [("201", json("TokenCreated", "The token; shown only this once."))], errors: ["401", "413", "415"], secured: false)]),
            ("/api/v1/auth/tokens", ["get": op("listTokens", "My tokens", tag: "Auth", ok: [("200", json("TokenPage", "My tokens."))], errors: [])]),
            ("/api/v1/auth/tokens/{id}", ["delete": op("revokeToken", "Revoke one of my tokens", tag: "Auth", params: [param("id")],
                                                        ok: [("204", noContent)], errors: ["404"])]),
            ("/api/v1/auth/password", ["post": op("changePassword", "Change my password", tag: "Auth", body: "PasswordChange",
                                                   ok: [("204", noContent)], errors: ["413", "415"])]),
            ("/api/v1/me", ["get": op("me", "Who am I", tag: "Auth", ok: [("200", json("User", "My account."))], errors: [])]),
        ]
        p += resource("members", "Member", "Members", listParams: [param("q"), query("groupId", S.uuid), query("status", S.enumeration(MemberStatus.allCases.map(\.rawValue))),
                                                                   query("supervisorId", S.uuid), sort(MembersAPI.sortable)] + paging,
                      deleteErrors: ["409"])
        p.append(("/api/v1/members/export", ["get": op("exportMembers", "The member list as CSV (UTF-8 with BOM; formula cells neutralised) or XLSX; no confidential fields",
                                                       tag: "Members", params: [param("q"), query("groupId", S.uuid), query("status", S.enumeration(MemberStatus.allCases.map(\.rawValue))),
                                                                                query("supervisorId", S.uuid), query("format", S.enumeration(["csv", "xlsx"]))],
                                                       ok: [("200", ["description": "The file.", "content": ["text/csv": ["schema": ["type": "string"]],
                                                                                                              .init(stringLiteral: Response.xlsxType.description): ["schema": ["type": "string", "format": "binary"]]]])],
                                                       errors: [])]))
        p.append(("/api/v1/members/import", ["post": importOp("importMembers", "Add members from a CSV or XLSX file: all rows or none; problems name rows[N].field", tag: "Members")]))
        p += resource("groups", "Group", "Groups", listParams: [], deleteErrors: ["409"])
        p += resource("departments", "Department", "Departments", listParams: [param("q"), sort(["code", "nameEn", "nameZh"])] + paging)
        p += resource("users", "User", "Users", listParams: [param("q"), query("role", S.enumeration(VanguardRoleNames.all)), sort(["email", "displayName"])] + paging,
                      deleteErrors: ["409"])
        p += [
            ("/api/v1/audit-events", ["get": op("listAuditEvents", "The history of changes", tag: "Audit",
                                               params: [query("entityType", S.str(40)), query("entityId", S.uuid), query("action", S.enumeration(AuditAction.allCases.map(\.rawValue)))] + paging,
                                               ok: [("200", json("AuditEventPage", "Newest first."))], errors: [])]),
            ("/api/v1/notifications", ["get": op("listNotifications", "My notifications", tag: "Notifications",
                                                 params: [query("unread", S.bool)] + paging, ok: [("200", json("NotificationPage", "Newest first."))], errors: [])]),
            ("/api/v1/notifications/unread-count", ["get": op("unreadCount", "How many are unread", tag: "Notifications",
                                                             ok: [("200", json("UnreadCount", "The count."))], errors: [])]),
            ("/api/v1/notifications/{id}/read", ["post": op("markNotificationRead", "Mark one read", tag: "Notifications", params: [param("id")],
                                                           ok: [("200", json("Notification", "Marked."))], errors: ["404"])]),
            ("/api/v1/notifications/read-all", ["post": op("markAllNotificationsRead", "Mark all read", tag: "Notifications",
                                                          ok: [("200", json("UnreadCount", "None left unread."))], errors: [])]),
            ("/api/v1/webhooks", [
                "get": op("listWebhooks", "Webhooks", tag: "Webhooks", ok: [("200", json("WebhookPage", "All webhooks."))], errors: []),
                "post": op("createWebhook", "Add a webhook", tag: "Webhooks", body: "WebhookCreate",
                           ok: [("201", json("Webhook", "Created.", etag: true, location: true))], errors: ["413", "415"]),
            ]),
            ("/api/v1/webhooks/{id}", [
                "get": op("getWebhook", "One webhook", tag: "Webhooks", params: [param("id")], ok: [("200", json("Webhook", "The webhook.", etag: true))], errors: ["404"]),
                "patch": op("updateWebhook", "Change a webhook", tag: "Webhooks", params: [param("id"), param("ifMatch")], body: "WebhookPatch",
                            ok: [("200", json("Webhook", "Changed.", etag: true))], errors: ["404", "412", "413", "415"]),
                "delete": op("deleteWebhook", "Remove a webhook", tag: "Webhooks", params: [param("id"), param("ifMatch")],
                             ok: [("204", noContent)], errors: ["404", "412"]),
            ]),
            ("/api/v1/policy", [
                "get": op("getPolicy", "The policy pack in force", tag: "Policy", ok: [("200", json("Policy", "The newest version."))], errors: ["404"]),
                "put": op("savePolicy", "Save a new version of the policy pack", tag: "Policy", body: "PolicySave",
                          ok: [("200", json("Policy", "Saved."))], errors: ["404", "413", "415"]),
            ]),
        ]
        return p + SalesOpenAPI.paths + ServiceOpenAPI.paths + MarketingResearchOpenAPI.paths + MarketingPartnerOpenAPI.paths + CampaignOpenAPI.paths
    }
}

enum VanguardRoleNames {
    static var all: [String] { ["admin", "lead", "groupLead", "member", "hr", "finance", "executive"] }
}
