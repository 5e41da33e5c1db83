import Vapor
import VanguardCore

/// The sales chapter's schemas in the OpenAPI document: the bodies its operations take and give.
extension SalesOpenAPI {
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
            ("InvoiceBalance", S.object([("id", S.uuid), ("number", S.str()), ("customerId", S.uuid), ("customer", S.str()), ("orderId", S.uuid), ("order", S.str()),
                                         ("amount", ["type": "number"]), ("issuedOn", S.str()), ("dueOn", S.str()), ("paid", ["type": "number"]),
                                         ("outstanding", ["type": "number"]), ("daysPastDue", S.int), ("status", S.enumeration(InvoiceStatus.allCases.map(\.rawValue))),
                                         ("createdAt", S.dateTime)],
                                        required: ["id", "number", "customerId", "customer", "amount", "issuedOn", "dueOn", "paid", "outstanding", "daysPastDue", "status"])),
            ("InvoicePage", S.page("InvoiceBalance")),
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
