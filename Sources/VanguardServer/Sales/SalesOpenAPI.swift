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
        let invoiceFilters = [D.query("customerId", S.uuid), D.query("orderId", S.uuid), D.query("q", S.str(40), "A fragment of the invoice number."),
                              D.query("status", S.enumeration(InvoiceStatus.allCases.map(\.rawValue)), "open: owed, not yet past due; overdue: owed past its due date; paid.")]
        let paymentFilters = [D.query("customerId", S.uuid), D.query("invoiceId", S.uuid), D.query("q", S.str(100), "A fragment of the reference.")]
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
                "get": D.op("listInvoices", "Invoices with what is paid and owed on each today", tag: "Receivables", params: invoiceFilters + [sort(InvoiceList.sortable)] + paging,
                            ok: [("200", D.json("InvoicePage", "One page."))], errors: []),
                "post": D.op("createInvoice", "Record an invoice (finance, the lead, admins)", tag: "Receivables", body: "InvoiceCreate",
                             ok: [("201", D.json("Invoice", "Recorded.", location: true))], errors: ["409", "413", "415"]),
            ]),
            ("/api/v1/invoices/export", ["get": D.op("exportInvoices", "The invoices as CSV or XLSX, by due date, with what is paid and owed on each", tag: "Receivables",
                                                   params: invoiceFilters + [D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]),
            ("/api/v1/payments", [
                "get": D.op("listPayments", "Payments received", tag: "Receivables", params: paymentFilters + [sort(["receivedOn"])] + paging,
                            ok: [("200", D.json("PaymentPage", "One page."))], errors: []),
                "post": D.op("createPayment", "Record a payment (finance, the lead, admins)", tag: "Receivables", body: "PaymentCreate",
                             ok: [("201", D.json("SalesPayment", "Recorded.", location: true))], errors: ["413", "415"]),
            ]),
            ("/api/v1/payments/export", ["get": D.op("exportPayments", "The payments as CSV or XLSX, newest first, with the invoice each was applied to", tag: "Receivables",
                                                   params: paymentFilters + [D.query("format", S.enumeration(["csv", "xlsx"]))], ok: exportOK, errors: ["422"])]),
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
}
