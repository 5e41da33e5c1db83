import Vapor
import VanguardCore

/// The sales chapter's part of the OpenAPI document.
enum SalesOpenAPI {
    typealias S = OpenAPISchemas
    typealias D = OpenAPIDocument

    static let money: JSONValue = ["type": "number", "minimum": 0, "maximum": .int(1_000_000_000_000), "multipleOf": .number(0.01)]
    static let date = S.str(format: "date")
    static let nullableDate = S.str(format: "date", nullable: true)
    static let stages = Pipeline.standard.stages.map(\.key)
    static let sources = SourceChannel.allCases.map(\.rawValue)

    static var paths: [(String, JSONValue)] {
        let sort = { (fields: [String]) in
            D.query("sort", S.enumeration(fields.flatMap { [$0, "-" + $0] }),
                    "Field to sort by; prefix - for descending." + (fields == CustomersAPI.sortable ? " Names sort by pinyin, Chinese and Latin names together." : ""))
        }
        let paging = [D.param("limit"), D.param("cursor")]
        let id = D.param("id"), ifMatch = D.param("ifMatch")
        var p = D.resource("customers", "Customer", "Customers", listParams: [
            D.param("q"), D.query("ownerId", S.uuid), D.query("class", S.str(10)), D.query("status", S.enumeration(CustomerStatus.allCases.map(\.rawValue))),
            D.query("source", S.enumeration(sources)), D.query("kind", S.enumeration(CustomerKind.allCases.map(\.rawValue))),
            D.query("industry", S.str(50)), D.query("region", S.str(100)), sort(CustomersAPI.sortable),
        ] + paging, deleteErrors: ["409"])
        if let i = p.firstIndex(where: { $0.0 == "/api/v1/customers" }), case .object(var ops) = p[i].1,
           let j = ops.firstIndex(where: { $0.0 == "post" }), case .object(var op) = ops[j].1 {
            // Creating takes `allowDuplicates` to confirm a near-duplicate is a different customer.
            op.insert(("parameters", [D.query("allowDuplicates", S.bool, "Save even though the customer looks like an existing one.")]), at: 3)
            ops[j].1 = .object(op)
            p[i].1 = .object(ops)
        }
        p += [
            ("/api/v1/customers/duplicates", ["get": D.op("findDuplicateCustomers", "Existing customers that look like this one (same credit code, phone or near-same name)",
                                                         tag: "Customers", params: [D.query("name", S.str(200, min: 1)), D.query("uscc", S.str(18)), D.query("phone", S.str(40)), D.query("excludeId", S.uuid)],
                                                         ok: [("200", ["description": "Strongest match first.", "content": ["application/json": ["schema": S.array(S.ref("DuplicateCustomer"))]]])], errors: [])]),
            ("/api/v1/customers/{id}/merge", ["post": D.op("mergeCustomers", "Fold a duplicate into this customer: its contacts, activities and deals move here", tag: "Customers",
                                                          params: [id, ifMatch], body: "CustomerMerge", ok: [("200", D.json("Customer", "The surviving customer.", etag: true))],
                                                          errors: ["404", "412", "413", "415"])]),
        ]
        let xlsx = Response.xlsxType.description
        let csvBody: JSONValue = ["schema": ["type": "string"]], xlsxBody: JSONValue = ["schema": ["type": "string", "format": "binary"]]
        let exportOK: [(String, JSONValue)] = [("200", ["description": "The file.", "content": .object([("text/csv", csvBody), (xlsx, xlsxBody)])])]
        p.append(("/api/v1/customers/export", ["get": D.op("exportCustomers", "The customer list (with the first contact) as CSV or XLSX, in the columns the importer reads", tag: "Customers",
                                                         params: [D.param("q"), D.query("ownerId", S.uuid), D.query("class", S.str(10)), D.query("status", S.enumeration(CustomerStatus.allCases.map(\.rawValue))),
                                                                  D.query("source", S.enumeration(sources)), D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]))
        p.append(("/api/v1/customers/import", ["post": D.importOp("importCustomers", "Add customers (and a first contact each) from a CSV or XLSX file: all rows or none; problems name rows[N].field", tag: "Customers")]))
        p.append(("/api/v1/opportunities/export", ["get": D.op("exportOpportunities", "The deal list as CSV or XLSX", tag: "Opportunities",
                                                             params: [D.query("stage", S.str(40)), D.query("ownerId", S.uuid), D.query("customerId", S.uuid), D.param("q"),
                                                                      D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]))
        p += small("contacts", "Contact", "Contacts", listParams: [D.param("q"), D.query("customerId", S.uuid),
            D.query("sort", S.enumeration(ContactList.sortable.flatMap { [$0, "-" + $0] }),
                    "Field to sort by; prefix - for descending. Names sort by pinyin, Chinese and Latin names together. By default one customer's contacts (customerId) by name, every contact newest first.")] + paging)
        p.append(("/api/v1/contacts/export", ["get": D.op("exportContacts", "The contact list, each with its customer, as CSV or XLSX in pinyin order of name", tag: "Contacts",
                                                        params: [D.param("q"), D.query("customerId", S.uuid), D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]))
        let activityFilters = [
            D.query("customerId", S.uuid), D.query("opportunityId", S.uuid), D.query("ownerId", S.uuid),
            D.query("kind", S.enumeration(ActivityKind.allCases.map(\.rawValue))), D.query("due", S.enumeration(["today", "overdue", "open"])),
            D.query("from", date, "First day the activities happened on, included"), D.query("to", date, "Last day, included"),
        ]
        p += small("activities", "Activity", "Activities", listParams: activityFilters + [sort(["occurredOn", "nextStepOn"])] + paging)
        p.append(("/api/v1/activities/export", ["get": D.op("exportActivities", "The activities list as CSV or XLSX, newest first, with its filters (a week's visits: from, to)", tag: "Activities",
                                                          params: activityFilters + [D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]))
        p.append(("/api/v1/activities/my-day", ["get": D.op("myDay", "My next steps due today and overdue (SP-2)", tag: "Activities",
                                                          ok: [("200", D.json("MyDay", "Today's and overdue next steps."))], errors: [])]))
        let dealFilters = [D.query("stage", S.str(40)), D.query("ownerId", S.uuid), D.query("customerId", S.uuid), D.param("q"),
                           D.query("closeFrom", date), D.query("closeTo", date)]
        p += D.resource("opportunities", "Opportunity", "Opportunities", listParams: dealFilters + [sort(OpportunitiesAPI.sortable)] + paging)
            .filter { !$0.0.hasSuffix("/restore") }
        p.append(("/api/v1/opportunities/board", ["get": D.op("pipelineBoard", "The pipeline as a kanban board: one column per stage with totals", tag: "Opportunities",
                                                             params: dealFilters, ok: [("200", D.json("PipelineBoard", "The columns."))], errors: [])]))
        p += D.resource("products", "Product", "Price list", listParams: [D.param("q"), D.query("active", S.bool), D.query("category", S.str(100)),
                                                                          sort(ProductsAPI.sortable)] + paging)
        p.append(("/api/v1/products/export", ["get": D.op("exportProducts", "The price list as CSV or XLSX, by code", tag: "Price list",
                                                        params: [D.param("q"), D.query("active", S.bool), D.query("category", S.str(100)), D.query("format", S.enumeration(["csv", "xlsx"]))],
                                                        ok: exportOK, errors: ["422"])]))
        p += D.resource("quotes", "Quote", "Quotes", listParams: [D.query("opportunityId", S.uuid), D.query("customerId", S.uuid),
                                                                   D.query("status", S.enumeration(QuoteStatus.allCases.map(\.rawValue))),
                                                                   sort(QuotesAPI.sortable)] + paging, deleteErrors: ["409"])
            .filter { !$0.0.hasSuffix("/restore") }
        p.append(("/api/v1/quotes/export", ["get": D.op("exportQuotes", "The quotes list as CSV or XLSX, newest number first", tag: "Quotes",
                                                      params: [D.query("opportunityId", S.uuid), D.query("customerId", S.uuid),
                                                               D.query("status", S.enumeration(QuoteStatus.allCases.map(\.rawValue))), D.query("format", S.enumeration(["csv", "xlsx"]))],
                                                      ok: exportOK, errors: ["422"])]))
        p.append(("/api/v1/contracts/export", ["get": D.op("exportContracts", "The contracts list as CSV or XLSX, newest number first", tag: "Contracts",
                                                         params: [D.query("opportunityId", S.uuid), D.query("customerId", S.uuid),
                                                                  D.query("status", S.enumeration(ContractStatus.allCases.map(\.rawValue))), D.query("format", S.enumeration(["csv", "xlsx"]))],
                                                         ok: exportOK, errors: ["422"])]))
        let binary: JSONValue = ["schema": ["type": "string", "format": "binary"]]
        let periodSchema = S.str(8, min: 4, pattern: "^[0-9]{4}(-Q[1-4]|-M(0[1-9]|1[0-2]))?$")
        let periodParam: JSONValue = ["name": "period", "in": "path", "required": true, "schema": periodSchema]
        p += [
            ("/api/v1/contracts", [
                "get": D.op("listContracts", "Contracts", tag: "Contracts", params: [D.query("opportunityId", S.uuid), D.query("customerId", S.uuid),
                            D.query("status", S.enumeration(ContractStatus.allCases.map(\.rawValue))), sort(["number"])] + paging,
                            ok: [("200", D.json("ContractPage", "One page."))], errors: []),
                "post": D.op("createContract", "Make a contract from an accepted quote", tag: "Contracts", body: "ContractCreate",
                             ok: [("201", D.json("Contract", "Created.", etag: true, location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/contracts/{id}", [
                "get": D.op("getContract", "One contract with its checklist and approvals", tag: "Contracts", params: [id], ok: [("200", D.json("Contract", "The contract.", etag: true))], errors: ["404"]),
                "patch": D.op("updateContract", "Change terms (before approval) or move the status", tag: "Contracts", params: [id, ifMatch], body: "ContractPatch",
                              ok: [("200", D.json("Contract", "Changed.", etag: true))], errors: ["404", "409", "412", "413", "415"]),
            ]),
            ("/api/v1/contracts/{id}/review", ["put": D.op("reviewContract", "Record the reviewer's verdicts on checklist items", tag: "Contracts", params: [id, ifMatch], body: "ContractReview",
                                                         ok: [("200", D.json("Contract", "Reviewed.", etag: true))], errors: ["404", "409", "412", "413", "415"])]),
            ("/api/v1/contracts/{id}/approvals", ["post": D.op("approveContract", "Approve (not the owner; two approvers from the policy's amount)", tag: "Contracts", params: [id],
                                                             ok: [("200", D.json("Contract", "Approved.", etag: true))], errors: ["404", "409", "413", "415"])]),
            ("/api/v1/contracts/{id}/signed-file", [
                "put": D.withBody(D.op("attachSignedContract", "Attach the signed copy (PDF, PNG or JPEG, at most 10 MB)", tag: "Contracts", params: [id],
                                       ok: [("200", D.json("Contract", "Attached.", etag: true))], errors: ["404", "409", "413", "415"]),
                                  .object([("application/pdf", binary), ("image/png", binary), ("image/jpeg", binary)])),
                "get": D.op("downloadSignedContract", "The signed copy", tag: "Contracts", params: [id],
                            ok: [("200", ["description": "The file.", "content": ["application/pdf": binary, "image/png": binary, "image/jpeg": binary]])], errors: ["404"]),
            ]),
            ("/api/v1/orders", [
                "get": D.op("listOrders", "Orders (late=true: open past their planned delivery)", tag: "Orders",
                            params: [D.query("customerId", S.uuid), D.query("contractId", S.uuid), D.query("status", S.enumeration(OrderStatus.allCases.map(\.rawValue))),
                                     D.query("late", S.bool), sort(["plannedDelivery", "number"])] + paging, ok: [("200", D.json("OrderPage", "One page."))], errors: []),
                "post": D.op("createOrder", "Place an order under a signed contract; refused by the credit rules unless the team lead overrides with a reason", tag: "Orders",
                             body: "OrderCreate", ok: [("201", D.json("Order", "Placed.", etag: true, location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/orders/export", ["get": D.op("exportOrders", "The orders list as CSV or XLSX, by planned delivery (late=true: the late ones)", tag: "Orders",
                                                   params: [D.query("customerId", S.uuid), D.query("contractId", S.uuid), D.query("status", S.enumeration(OrderStatus.allCases.map(\.rawValue))),
                                                            D.query("late", S.bool), D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]),
            ("/api/v1/orders/{id}", [
                "get": D.op("getOrder", "One order", tag: "Orders", params: [id], ok: [("200", D.json("Order", "The order.", etag: true))], errors: ["404"]),
                "patch": D.op("updateOrder", "Delivery dates, notes, status", tag: "Orders", params: [id, ifMatch], body: "OrderPatch",
                              ok: [("200", D.json("Order", "Changed.", etag: true))], errors: ["404", "409", "412", "413", "415"]),
            ]),
            ("/api/v1/orders/{id}/history", ["get": D.op("orderHistory", "The order's history", tag: "Orders", params: [id, D.param("limit"), D.param("cursor")],
                                                       ok: [("200", D.json("AuditEventPage", "Newest first."))], errors: ["404"])]),
            ("/api/v1/orders/{id}/after-sales", ["post": D.op("recordAfterSales", "Record an after-sales request on the order (SP-6)", tag: "Orders", params: [id], body: "AfterSalesCreate",
                                                            ok: [("201", D.json("AfterSales", "Recorded.", location: true))], errors: ["404", "413", "415"])]),
            ("/api/v1/invoices", [
                "get": D.op("listInvoices", "Invoices", tag: "Receivables", params: [D.query("customerId", S.uuid), D.query("orderId", S.uuid), sort(["dueOn"])] + paging,
                            ok: [("200", D.json("InvoicePage", "One page."))], errors: []),
                "post": D.op("createInvoice", "Record an invoice (finance, the lead, admins)", tag: "Receivables", body: "InvoiceCreate",
                             ok: [("201", D.json("Invoice", "Recorded.", location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/payments", [
                "get": D.op("listPayments", "Payments received", tag: "Receivables", params: [D.query("customerId", S.uuid), sort(["receivedOn"])] + paging,
                            ok: [("200", D.json("PaymentPage", "One page."))], errors: []),
                "post": D.op("createPayment", "Record a payment (finance, the lead, admins)", tag: "Receivables", body: "PaymentCreate",
                             ok: [("201", D.json("SalesPayment", "Recorded.", location: true))], errors: ["413", "415"]),
            ]),
            ("/api/v1/credit-assessments", [
                "get": D.op("listCreditAssessments", "Credit assessments, newest first", tag: "Receivables", params: [D.query("customerId", S.uuid), sort(["assessedOn"])] + paging,
                            ok: [("200", D.json("CreditAssessmentPage", "One page."))], errors: []),
                "post": D.op("assessCredit", "Assess a customer's credit from the policy's factors; the overdue amount comes from the ledger", tag: "Receivables",
                             body: "CreditAssessmentCreate", ok: [("201", D.json("CreditAssessment", "Assessed.", location: true))], errors: ["413", "415"]),
            ]),
            ("/api/v1/receivables/ageing", ["get": D.op("receivablesAgeing", "Outstanding by age bucket, per customer and in total", tag: "Receivables",
                                                      params: [D.query("customerId", S.uuid)], ok: [("200", D.json("Ageing", "The ageing."))], errors: []),]),
            ("/api/v1/receivables/ageing/export", ["get": D.op("exportReceivablesAgeing", "The ageing as CSV or XLSX: each customer's outstanding by age bucket, then the total", tag: "Receivables",
                                                             params: [D.query("customerId", S.uuid), D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]),
            ("/api/v1/targets", ["get": D.op("currentTargets", "This quarter's targets with attainment and forecast", tag: "Targets",
                                            ok: [("200", D.json("TargetReport", "The breakdown."))], errors: [])]),
            ("/api/v1/targets/{period}", [
                "get": D.op("targets", "A period's targets, attainment from won deals, weighted forecast, committed forecast and its accuracy", tag: "Targets",
                            params: [periodParam], ok: [("200", D.json("TargetReport", "The breakdown."))], errors: []),
                "put": D.op("setTargets", "Set the whole breakdown (team → groups → people); refused unless every split adds up", tag: "Targets",
                            params: [periodParam], body: "TargetSet", ok: [("200", D.json("TargetReport", "Saved."))], errors: ["413", "415"]),
            ]),
            ("/api/v1/targets/{period}/export", ["get": D.op("exportTargets", "A period's targets with attainment and forecast as CSV or XLSX: the team, each group, each person", tag: "Targets",
                                                           params: [periodParam, D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]),
            ("/api/v1/targets/{period}/forecast-commits", ["post": D.op("commitForecast", "Record today's forecast as the lead's commitment", tag: "Targets",
                                                                      params: [periodParam], ok: [("200", D.json("TargetReport", "Committed."))], errors: [])]),
            ("/api/v1/reports/sales", ["get": D.op("salesReport", "Funnel, win rate and time in each stage for a period", tag: "Reports",
                                                 params: [D.query("period", periodSchema)], ok: [("200", D.json("SalesReport", "The report."))], errors: [])]),
            ("/api/v1/feedback", [
                "get": D.op("listFeedback", "Customer feedback and market information", tag: "Feedback",
                            params: [D.param("q"), D.query("status", S.enumeration(FeedbackStatus.allCases.map(\.rawValue))), D.query("category", S.enumeration(TicketRules.standardFeedbackCategories.map(\.key))),
                                     D.query("departmentId", S.uuid), D.query("customerId", S.uuid), D.query("tag", S.str(30)), sort(["summary"])] + paging,
                            ok: [("200", D.json("FeedbackPage", "One page."))], errors: []),
                "post": D.op("createFeedback", "Record feedback (SAL-5)", tag: "Feedback", body: "FeedbackCreate",
                             ok: [("201", D.json("Feedback", "Recorded.", etag: true, location: true))], errors: ["413", "415"]),
            ]),
            ("/api/v1/feedback/export", ["get": D.op("exportFeedback", "Feedback as CSV or XLSX, with the list's filters, by summary", tag: "Feedback",
                                                     params: [D.param("q"), D.query("status", S.enumeration(FeedbackStatus.allCases.map(\.rawValue))),
                                                              D.query("category", S.enumeration(TicketRules.standardFeedbackCategories.map(\.key))), D.query("departmentId", S.uuid),
                                                              D.query("customerId", S.uuid), D.query("tag", S.str(30)), D.query("format", S.enumeration(["csv", "xlsx"]))],
                                                     ok: exportOK, errors: ["422"])]),
            ("/api/v1/feedback/{id}", [
                "get": D.op("getFeedback", "One feedback item", tag: "Feedback", params: [id], ok: [("200", D.json("Feedback", "The item.", etag: true))], errors: ["404"]),
                "patch": D.op("updateFeedback", "Route, answer or close feedback", tag: "Feedback", params: [id, ifMatch], body: "FeedbackPatch",
                              ok: [("200", D.json("Feedback", "Changed.", etag: true))], errors: ["404", "412", "413", "415"]),
            ]),
            ("/api/v1/feedback/{id}/history", ["get": D.op("feedbackHistory", "The item's history", tag: "Feedback", params: [id, D.param("limit"), D.param("cursor")],
                                                         ok: [("200", D.json("AuditEventPage", "Newest first."))], errors: ["404"])]),
            ("/api/v1/contracts/{id}/history", ["get": D.op("contractHistory", "The contract's history, newest first", tag: "Contracts", params: [id, D.param("limit"), D.param("cursor")],
                                                          ok: [("200", D.json("AuditEventPage", "Newest first."))], errors: ["404"])]),
        ]
        return p
    }

    /// List, create, read, change, delete: records without history or restore of their own.
    static func small(_ path: String, _ name: String, _ tag: String, listParams: [JSONValue]) -> [(String, JSONValue)] {
        D.resource(path, name, tag, listParams: listParams).filter { !$0.0.hasSuffix("/restore") && !$0.0.hasSuffix("/history") }
    }

    static var schemas: [(String, JSONValue)] {
        let kinds = CustomerKind.allCases.map(\.rawValue), statuses = CustomerStatus.allCases.map(\.rawValue)
        let sizes = CustomerSize.allCases.map(\.rawValue)
        let customerInput: [(String, JSONValue)] = [
            ("name", S.str(200, min: 1, pattern: #"\S"#)), ("kind", S.enumeration(kinds)),
            ("uscc", S.str(18, pattern: "^([0-9A-HJ-NPQRTUWXY]{18})?$", nullable: true)),
            ("industry", S.str(50, nullable: true)), ("region", S.str(100)), ("size", S.enumeration(sizes, nullable: true)),
            ("source", S.enumeration(sources)), ("status", S.enumeration(statuses)),
            ("expectedAnnualYuan", ["type": "integer", "minimum": 0, "maximum": .int(1_000_000_000_000)]),
            ("phone", S.str(40, nullable: true)), ("email", S.str(254, format: "email", nullable: true)),
            ("address", S.str(300)), ("notes", S.str(5000)), ("ownerId", S.nullableUUID),
        ]
        let contactInput: [(String, JSONValue)] = [
            ("customerId", S.uuid), ("name", S.str(100, min: 1, pattern: #"\S"#)), ("title", S.str(100)),
            ("mobile", S.str(20, pattern: S.mobilePattern, nullable: true)), ("email", S.str(254, format: "email", nullable: true)),
            ("wechat", S.str(64, nullable: true)), ("birthday", nullableDate),
            ("birthdayCalendar", S.enumeration(BirthdayCalendar.allCases.map(\.rawValue))), ("isPrimary", S.bool), ("notes", S.str(2000)),
        ]
        let activityInput: [(String, JSONValue)] = [
            ("customerId", S.uuid), ("contactId", S.nullableUUID), ("opportunityId", S.nullableUUID),
            ("kind", S.enumeration(ActivityKind.allCases.map(\.rawValue))), ("occurredOn", date),
            ("summary", S.str(2000, min: 1, pattern: #"\S"#)), ("needs", S.str(2000)), ("nextStep", S.str(500)),
            ("nextStepOn", nullableDate), ("nextStepDone", S.bool),
        ]
        let dealInput: [(String, JSONValue)] = [
            ("customerId", S.uuid), ("title", S.str(200, min: 1, pattern: #"\S"#)), ("ownerId", S.nullableUUID),
            ("stage", S.enumeration(stages)), ("amount", money), ("probability", ["type": "integer", "minimum": 0, "maximum": 100, "nullable": true]),
            ("expectedClose", nullableDate), ("needs", S.str(5000)), ("lossReason", S.str(1000, nullable: true)), ("source", S.enumeration(sources)),
        ]
        let percent: JSONValue = ["type": "number", "minimum": 0, "maximum": 100, "multipleOf": .number(0.01)]
        let productInput: [(String, JSONValue)] = [
            ("code", S.str(40, min: 1, pattern: "^[A-Za-z0-9._-]+$")), ("name", S.str(200, min: 1, pattern: #"\S"#)), ("nameEn", S.str(200)),
            ("category", S.str(100)), ("unit", S.str(20, min: 1, pattern: #"\S"#)), ("listPrice", money), ("description", S.str(2000)), ("active", S.bool),
        ]
        let quoteInput: [(String, JSONValue)] = [
            ("opportunityId", S.uuid), ("validUntil", date), ("lines", ["type": "array", "items": S.ref("QuoteLineInput"), "minItems": 1, "maxItems": 200]),
            ("extraDiscountPercent", percent), ("serviceTerms", S.str(5000)), ("notes", S.str(5000)),
        ]
        let feedbackInput: [(String, JSONValue)] = [
            ("customerId", S.nullableUUID), ("source", S.enumeration(FeedbackSource.allCases.map(\.rawValue))), ("category", S.enumeration(TicketRules.standardFeedbackCategories.map(\.key))),
            ("departmentId", S.nullableUUID), ("tags", ["type": "array", "maxItems": 10, "items": S.str(30, min: 1, pattern: "^[^,]+$")]),
            ("summary", S.str(300, min: 1, pattern: #"\S"#)), ("detail", S.str(5000)), ("status", S.enumeration(FeedbackStatus.allCases.map(\.rawValue))), ("response", S.str(5000)),
        ]
        let deal = S.object([
            ("id", S.uuid), ("customerId", S.uuid), ("title", S.str()), ("ownerId", S.uuid), ("stage", S.str()), ("amount", ["type": "number"]),
            ("probability", S.int), ("weightedAmount", ["type": "number"]), ("expectedClose", S.str()), ("needs", S.str()),
            ("lossReason", S.str()), ("source", S.str()), ("stageChangedAt", S.dateTime), ("closedOn", S.str()), ("version", S.int),
            ("createdAt", S.dateTime), ("updatedAt", S.dateTime),
        ], required: ["id", "customerId", "title", "stage", "amount", "probability", "weightedAmount", "needs", "source", "stageChangedAt", "version"])
        let activity = S.object([
            ("id", S.uuid), ("customerId", S.uuid), ("contactId", S.uuid), ("opportunityId", S.uuid), ("kind", S.str()), ("occurredOn", S.str()),
            ("ownerId", S.uuid), ("summary", S.str()), ("needs", S.str()), ("nextStep", S.str()), ("nextStepOn", S.str()), ("nextStepDone", S.bool),
            ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime),
        ], required: ["id", "customerId", "kind", "occurredOn", "summary", "needs", "nextStep", "nextStepDone", "version"])
        return [
            ("Customer", S.object([
                ("id", S.uuid), ("name", S.str()), ("kind", S.enumeration(kinds)), ("uscc", S.str()), ("industry", S.str()), ("region", S.str()),
                ("size", S.str()), ("source", S.str()), ("status", S.enumeration(statuses)), ("expectedAnnualYuan", S.int), ("score", S.int),
                ("class", S.str()), ("phone", S.str()), ("email", S.str()), ("address", S.str()), ("notes", S.str()), ("ownerId", S.uuid),
                ("mergedIntoId", S.uuid), ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime), ("deletedAt", S.dateTime),
            ], required: ["id", "name", "kind", "region", "source", "status", "expectedAnnualYuan", "score", "class", "address", "notes", "version"])),
            ("CustomerPage", S.page("Customer")),
            ("CustomerCreate", S.object(customerInput, required: ["name", "source"], closed: true)),
            ("CustomerPatch", S.object(customerInput, required: [], closed: true)),
            ("CustomerMerge", S.object([("duplicateId", S.uuid)], required: ["duplicateId"], closed: true)),
            ("DuplicateCustomer", S.object([("customer", S.ref("Customer")), ("id", S.uuid), ("name", S.str()), ("reasons", S.array(S.enumeration(["sameUSCC", "samePhone", "sameName", "similarName"])))],
                                           required: ["id", "name", "reasons"])),
            ("Contact", S.object([
                ("id", S.uuid), ("customerId", S.uuid), ("name", S.str()), ("title", S.str()), ("mobile", S.str()), ("email", S.str()),
                ("wechat", S.str()), ("birthday", S.str()), ("birthdayCalendar", S.str()), ("isPrimary", S.bool), ("notes", S.str()),
                ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime),
            ], required: ["id", "customerId", "name", "title", "birthdayCalendar", "isPrimary", "notes", "version"])),
            ("ContactPage", S.page("Contact")),
            ("ContactCreate", S.object(contactInput, required: ["customerId", "name"], closed: true)),
            ("ContactPatch", S.object(contactInput, required: [], closed: true)),
            ("Activity", activity),
            ("ActivityPage", S.page("Activity")),
            ("ActivityCreate", S.object(activityInput, required: ["customerId", "kind", "occurredOn", "summary"], closed: true)),
            ("ActivityPatch", S.object(activityInput, required: [], closed: true)),
            ("MyDay", S.object([("today", S.array(S.ref("Activity"))), ("overdue", S.array(S.ref("Activity")))], required: ["today", "overdue"])),
            ("Opportunity", deal),
            ("OpportunityPage", S.page("Opportunity")),
            ("OpportunityCreate", S.object(dealInput, required: ["customerId", "title"], closed: true)),
            ("OpportunityPatch", S.object(dealInput, required: [], closed: true)),
            ("Product", S.object([
                ("id", S.uuid), ("code", S.str()), ("name", S.str()), ("nameEn", S.str()), ("category", S.str()), ("unit", S.str()),
                ("listPrice", ["type": "number"]), ("description", S.str()), ("active", S.bool), ("version", S.int),
                ("createdAt", S.dateTime), ("updatedAt", S.dateTime), ("deletedAt", S.dateTime),
            ], required: ["id", "code", "name", "nameEn", "category", "unit", "listPrice", "description", "active", "version"])),
            ("ProductPage", S.page("Product")),
            ("ProductCreate", S.object(productInput, required: ["code", "name", "unit", "listPrice"], closed: true)),
            ("ProductPatch", S.object(productInput, required: [], closed: true)),
            ("QuoteLine", S.object([
                ("productId", S.uuid), ("productCode", S.str()), ("description", S.str()), ("unit", S.str()), ("quantity", S.str()),
                ("unitPrice", ["type": "number"]), ("discountPercent", ["type": "number"]), ("net", ["type": "number"]),
            ], required: ["productCode", "description", "unit", "quantity", "unitPrice", "discountPercent", "net"])),
            ("QuoteLineInput", S.object([
                ("productId", S.uuid), ("productCode", S.str(40)), ("description", S.str(500)), ("unit", S.str(20)),
                ("quantity", S.str(20, min: 1, pattern: #"^[0-9]{1,12}(\.[0-9]{1,3})?$"#)), ("unitPrice", money), ("discountPercent", percent),
            ], required: ["quantity"], closed: true)),
            ("Quote", S.object([
                ("id", S.uuid), ("number", S.str()), ("opportunityId", S.uuid), ("customerId", S.uuid), ("ownerId", S.uuid),
                ("status", S.enumeration(QuoteStatus.allCases.map(\.rawValue))), ("validUntil", S.str()), ("extraDiscountPercent", ["type": "number"]),
                ("serviceTerms", S.str()), ("notes", S.str()), ("lines", S.array(S.ref("QuoteLine"))), ("subtotal", ["type": "number"]),
                ("discount", ["type": "number"]), ("net", ["type": "number"]), ("effectiveDiscountPercent", ["type": "number"]),
                ("approvalNeeded", S.bool), ("approvalReason", S.str()), ("approvedAt", S.dateTime), ("sentAt", S.dateTime),
                ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime),
            ], required: ["id", "number", "opportunityId", "customerId", "status", "validUntil", "extraDiscountPercent", "serviceTerms", "notes",
                          "lines", "subtotal", "discount", "net", "effectiveDiscountPercent", "approvalNeeded", "version"])),
            ("QuotePage", S.page("Quote")),
            ("QuoteCreate", S.object(quoteInput, required: ["opportunityId", "validUntil", "lines"], closed: true)),
            ("QuotePatch", S.object(quoteInput + [("status", S.enumeration(QuoteStatus.allCases.map(\.rawValue)))], required: [], closed: true)),
            ("Contract", S.object([
                ("id", S.uuid), ("number", S.str()), ("opportunityId", S.uuid), ("customerId", S.uuid), ("quoteId", S.uuid), ("ownerId", S.uuid),
                ("title", S.str()), ("amount", ["type": "number"]), ("paymentTerms", S.str()), ("deliveryTerms", S.str()),
                ("status", S.enumeration(ContractStatus.allCases.map(\.rawValue))), ("signedOn", S.str()),
                ("checklist", S.array(S.object([("itemKey", S.str()), ("name", S.str()), ("required", S.bool), ("verdict", S.enumeration(ReviewVerdict.allCases.map(\.rawValue))),
                                                ("note", S.str()), ("reviewer", S.str()), ("reviewedAt", S.dateTime)], required: ["itemKey", "name", "required", "verdict"]))),
                ("reviewPassed", S.bool),
                ("approvals", S.array(S.object([("userId", S.uuid), ("approver", S.str()), ("note", S.str()), ("approvedAt", S.dateTime)], required: ["userId", "approver", "note", "approvedAt"]))),
                ("approvalsNeeded", S.int), ("signedFile", S.str()), ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime),
            ], required: ["id", "number", "opportunityId", "customerId", "quoteId", "title", "amount", "paymentTerms", "deliveryTerms", "status",
                          "checklist", "reviewPassed", "approvals", "approvalsNeeded", "version"])),
            ("ContractPage", S.page("Contract")),
            ("ContractCreate", S.object([("quoteId", S.uuid), ("title", S.str(200)), ("paymentTerms", S.str(5000)), ("deliveryTerms", S.str(5000))], required: ["quoteId"], closed: true)),
            ("ContractPatch", S.object([("title", S.str(200, min: 1, pattern: #"\S"#)), ("paymentTerms", S.str(5000)), ("deliveryTerms", S.str(5000)),
                                        ("status", S.enumeration(ContractStatus.allCases.map(\.rawValue)))], required: [], closed: true)),
            ("ContractReview", S.object([("marks", S.array(S.object([("itemKey", S.str(60)), ("verdict", S.enumeration(ReviewVerdict.allCases.map(\.rawValue))), ("note", S.str(1000))],
                                                                   required: ["itemKey", "verdict"], closed: true)))], required: ["marks"], closed: true)),
            ("Order", S.object([
                ("id", S.uuid), ("number", S.str()), ("contractId", S.uuid), ("opportunityId", S.uuid), ("customerId", S.uuid), ("ownerId", S.uuid),
                ("amount", ["type": "number"]), ("status", S.enumeration(OrderStatus.allCases.map(\.rawValue))), ("plannedDelivery", S.str()),
                ("actualDelivery", S.str()), ("acceptedOn", S.str()), ("late", S.bool), ("creditDecision", S.enumeration(["allowed", "allowedWithOverride", "refused"])),
                ("creditOverrideReason", S.str()), ("notes", S.str()), ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime),
            ], required: ["id", "number", "contractId", "opportunityId", "customerId", "amount", "status", "plannedDelivery", "late", "creditDecision", "notes", "version"])),
            ("OrderPage", S.page("Order")),
            ("OrderCreate", S.object([("contractId", S.uuid), ("amount", money), ("plannedDelivery", date), ("notes", S.str(2000)), ("creditOverrideReason", S.str(1000))],
                                     required: ["contractId", "plannedDelivery"], closed: true)),
            ("OrderPatch", S.object([("plannedDelivery", date), ("actualDelivery", date), ("notes", S.str(2000)), ("status", S.enumeration(OrderStatus.allCases.map(\.rawValue)))],
                                    required: [], closed: true)),
            ("AfterSalesCreate", S.object([("description", S.str(2000, min: 1, pattern: #"\S"#))], required: ["description"], closed: true)),
            ("AfterSales", S.object([("id", S.uuid), ("orderId", S.uuid), ("description", S.str()), ("status", S.str()), ("createdBy", S.str()), ("createdAt", S.dateTime)],
                                    required: ["id", "orderId", "description", "status", "createdBy", "createdAt"])),
            ("Invoice", S.object([("id", S.uuid), ("number", S.str()), ("customerId", S.uuid), ("orderId", S.uuid), ("amount", ["type": "number"]),
                                  ("issuedOn", S.str()), ("dueOn", S.str()), ("createdAt", S.dateTime)], required: ["id", "number", "customerId", "amount", "issuedOn", "dueOn"])),
            ("InvoicePage", S.page("Invoice")),
            ("InvoiceCreate", S.object([("customerId", S.uuid), ("orderId", S.uuid), ("number", S.str(40)), ("amount", money), ("issuedOn", date), ("dueOn", date)],
                                       required: ["amount", "issuedOn", "dueOn"], closed: true)),
            ("SalesPayment", S.object([("id", S.uuid), ("customerId", S.uuid), ("invoiceId", S.uuid), ("amount", ["type": "number"]), ("receivedOn", S.str()),
                                       ("reference", S.str()), ("createdAt", S.dateTime)], required: ["id", "customerId", "amount", "receivedOn", "reference"])),
            ("PaymentPage", S.page("SalesPayment")),
            ("PaymentCreate", S.object([("customerId", S.uuid), ("invoiceId", S.uuid), ("amount", money), ("receivedOn", date), ("reference", S.str(100))],
                                       required: ["amount", "receivedOn"], closed: true)),
            ("CreditAssessment", S.object([
                ("id", S.uuid), ("customerId", S.uuid), ("onTimeShare", ["type": "number"]), ("overdueAmount", ["type": "number"]), ("yearsInBusiness", S.int),
                ("registeredCapital", ["type": "number"]), ("industryRisk", S.str()), ("score", S.int), ("rating", S.enumeration(CreditRating.allCases.map(\.rawValue))),
                ("limit", ["type": "number"]), ("assessedOn", S.str()), ("nextReview", S.str()), ("notes", S.str()), ("assessor", S.str()),
            ], required: ["id", "customerId", "overdueAmount", "yearsInBusiness", "registeredCapital", "industryRisk", "score", "rating", "limit", "assessedOn", "nextReview", "notes", "assessor"])),
            ("CreditAssessmentPage", S.page("CreditAssessment")),
            ("CreditAssessmentCreate", S.object([("customerId", S.uuid), ("onTimeShare", ["type": "number", "minimum": 0, "maximum": 1]),
                                                ("yearsInBusiness", ["type": "integer", "minimum": 0, "maximum": 500]), ("registeredCapital", money),
                                                ("industryRisk", S.enumeration(IndustryRisk.allCases.map(\.rawValue))), ("notes", S.str(2000))],
                                               required: ["customerId", "yearsInBusiness", "registeredCapital", "industryRisk"], closed: true)),
            ("Ageing", S.object([("asOf", S.str()), ("buckets", ["type": "object", "additionalProperties": ["type": "number"]]), ("outstanding", ["type": "number"]),
                                 ("customers", S.array(S.object([("customerId", S.uuid), ("customer", S.str()), ("buckets", ["type": "object", "additionalProperties": ["type": "number"]]),
                                                                  ("outstanding", ["type": "number"]), ("oldestOverdueDays", S.int)],
                                                                 required: ["customerId", "customer", "buckets", "outstanding", "oldestOverdueDays"])))],
                                required: ["asOf", "buckets", "outstanding", "customers"])),
            ("TargetReport", S.object([("period", S.str()), ("firstDay", S.str()), ("lastDay", S.str()), ("ended", S.bool),
                                       ("lines", S.array(S.object([("level", S.enumeration(["team", "group", "person"])), ("id", S.uuid), ("parentId", S.uuid), ("name", S.str()),
                                                                   ("target", ["type": "number"]), ("actual", ["type": "number"]), ("attainmentPercent", ["type": "number"]),
                                                                   ("forecast", ["type": "number"]), ("committedForecast", ["type": "number"]), ("forecastAccuracyPercent", ["type": "number"])],
                                                                  required: ["level", "name", "target", "actual", "forecast"])))],
                                      required: ["period", "firstDay", "lastDay", "ended", "lines"])),
            ("TargetSet", S.object([("team", money), ("groups", S.array(S.object([("id", S.uuid), ("amount", money)], required: ["id", "amount"], closed: true))),
                                    ("people", S.array(S.object([("id", S.uuid), ("amount", money)], required: ["id", "amount"], closed: true)))],
                                   required: ["team"], closed: true)),
            ("SalesReport", S.object([("period", S.str()),
                                      ("funnel", S.array(S.object([("stage", S.str()), ("name", S.str()), ("deals", S.int), ("amount", ["type": "number"])], required: ["stage", "name", "deals", "amount"]))),
                                      ("won", S.int), ("lost", S.int), ("winRatePercent", ["type": "number"]), ("wonAmount", ["type": "number"]),
                                      ("stageTimes", S.array(S.object([("stage", S.str()), ("name", S.str()), ("moves", S.int), ("meanDays", ["type": "number"])],
                                                                      required: ["stage", "name", "moves"])))],
                                     required: ["period", "funnel", "won", "lost", "wonAmount", "stageTimes"])),
            ("Feedback", S.object([("id", S.uuid), ("customerId", S.uuid), ("source", S.str()), ("category", S.str()), ("departmentId", S.uuid),
                                   ("tags", S.array(S.str())), ("summary", S.str()), ("detail", S.str()), ("status", S.enumeration(FeedbackStatus.allCases.map(\.rawValue))),
                                   ("response", S.str()), ("ownerId", S.uuid), ("version", S.int), ("createdAt", S.dateTime), ("updatedAt", S.dateTime)],
                                  required: ["id", "source", "category", "tags", "summary", "detail", "status", "response", "version"])),
            ("FeedbackPage", S.page("Feedback")),
            ("FeedbackCreate", S.object(feedbackInput, required: ["summary", "category"], closed: true)),
            ("FeedbackPatch", S.object(feedbackInput, required: [], closed: true)),
            ("PipelineBoard", S.object([
                ("columns", S.array(S.object([
                    ("stage", S.str()), ("name", S.str()), ("probability", S.int), ("outcome", S.enumeration(["open", "won", "lost"])),
                    ("count", S.int), ("amount", ["type": "number"]), ("weightedAmount", ["type": "number"]), ("items", S.array(S.ref("Opportunity"))),
                ], required: ["stage", "name", "probability", "outcome", "count", "amount", "weightedAmount", "items"]))),
                ("amount", ["type": "number"]), ("weightedAmount", ["type": "number"]),
            ], required: ["columns", "amount", "weightedAmount"])),
        ]
    }
}
