import Fluent

/// Every chapter's migrations, in order. Migrations never change once landed: a change to a
/// table is a new migration appended to its chapter's list.
enum AppMigrations {
    static var all: [any Migration] {
        PlatformMigrations.all + OrganizationMigrations.all + PlatformMigrations.afterOrganization + SalesMigrations.all
            + PlatformMigrations.afterSales + ServiceMigrations.all + MarketingResearchMigrations.all + RiskMigrations.all + MarketingPartnerMigrations.all + CampaignMigrations.all
            + PlatformMigrations.afterCampaigns + SalesMigrations.later + OrganizationMigrations.later
    }
}

enum PlatformMigrations {
    static let all: [any Migration] = [
        CreateUserAccount(), CreateWebSession(), CreateApiToken(), CreateSetupToken(),
        CreateAuditEvent(), CreatePolicyVersion(), CreateAppNotification(), CreateWebhook(),
    ]
    static let afterOrganization: [any Migration] = [CreateIdempotencyKey()]
    /// `stored_files` before the service chapter, whose `ticket_attachments` refer to it.
    static let afterSales: [any Migration] = [CreateScheduledJob(), CreateStoredFile()]
    /// Platform changes that landed after the chapters' tables: appended, never reordered.
    static let afterCampaigns: [any Migration] = [AddNotificationTranslations(), CreateDocumentCounters()]
}
