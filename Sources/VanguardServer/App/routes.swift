import Vapor

/// The URL map: the API under /api/v1 (bearer tokens), the web pages (session cookie + CSRF).
func routes(_ app: Application) throws {
    app.get("healthz", use: Health.check)
    app.get("metrics", use: MetricsEndpoint.scrape)

    let api = app.grouped("api", "v1").grouped(BearerAuthenticator())
    api.get("openapi.json", use: OpenAPIDocument.serve)
    try api.register(collection: AuthAPI())
    let signedInAPI = api.grouped(RequireSignIn()).grouped(IdempotencyMiddleware())
    try signedInAPI.register(collection: AuthAPI.Protected())
    try signedInAPI.register(collection: MembersAPI())
    try signedInAPI.register(collection: GroupsAPI())
    try signedInAPI.register(collection: DepartmentsAPI())
    try signedInAPI.register(collection: UsersAPI())
    try signedInAPI.register(collection: AuditAPI())
    try signedInAPI.register(collection: NotificationsAPI())
    try signedInAPI.register(collection: WebhooksAPI())
    try signedInAPI.register(collection: PolicyAPI())
    try signedInAPI.register(collection: CustomersAPI())
    try signedInAPI.register(collection: ContactsAPI())
    try signedInAPI.register(collection: ActivitiesAPI())
    try signedInAPI.register(collection: OpportunitiesAPI())
    try signedInAPI.register(collection: ProductsAPI())
    try signedInAPI.register(collection: QuotesAPI())
    try signedInAPI.register(collection: ContractsAPI())

    let web = app.grouped(SessionAuthenticator()).grouped(CSRFMiddleware())
    try web.register(collection: AuthPages())
    web.get { req -> Response in req.redirect(to: req.currentUser == nil ? "/login" : "/org") }
    let signedIn = web.grouped(RequireSignIn())
    signedIn.get("org", use: OrgChartPage.render)
    try signedIn.register(collection: MemberPages())
    try signedIn.register(collection: DepartmentPages())
    try signedIn.register(collection: GroupPages())
    try signedIn.register(collection: AccountPages())
    try signedIn.register(collection: AdminPages())
    try signedIn.register(collection: NotificationPages())
    try signedIn.register(collection: CustomerPages())
    try signedIn.register(collection: PipelinePages())
    try signedIn.register(collection: QuotePages())
    try signedIn.register(collection: ContractPages())
}
