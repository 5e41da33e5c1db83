/// Every kind of record the history names, in the policy's chapter order. The history page
/// offers them as its filter, and each has a label in every language (`entity<Type>`), so the
/// history never shows a bare key.
enum AuditedRecords {
    static let types = [
        // Platform and organisation
        "member", "group", "department", "user", "policy", "webhook", "demo",
        // Sales (SAL, SP, RSK-S)
        "customer", "contact", "activity", "product", "opportunity", "quote", "contract", "order", "invoice", "payment",
        "creditAssessment", "target", "feedback",
        // Service (CS, RSK-C)
        "ticket", "departmentTask", "careTask", "feedbackDigest",
        // Market promotion (MKT, MP, RSK-M)
        "researchNote", "competitor", "competitorProduct", "competitorEvent", "riskWarning", "campaign", "campaignActivity",
        "campaignSpend", "campaignMetrics", "campaignLead", "partner", "partnerEngagement", "channelAccount", "contentPost",
    ]

    /// The translation key of a record type's label.
    static func labelKey(_ type: String) -> String { "entity" + type.prefix(1).uppercased() + type.dropFirst() }
}
