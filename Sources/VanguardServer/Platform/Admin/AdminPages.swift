import Fluent
import Vapor
import VanguardCore

/// The admin area: accounts and roles, the policy pack, webhooks, the history and the recycle bin.
struct AdminPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("admin")
        a.get("users", use: users)
        a.get("users", "new", use: newUser)
        a.post("users", use: createUser)
        a.get("users", ":id", "edit", use: editUser)
        a.post("users", ":id", use: updateUser)
        a.get("users", ":id", "history", use: userHistory)
        a.get("audit", use: audit)
        a.get("recycle-bin", use: recycleBin)
        a.post("recycle-bin", ":type", ":id", "restore", use: restore)
        a.get("policy", use: policy)
        a.on(.POST, "policy", body: .collect(maxSize: "2mb"), use: savePolicy)
        a.get("webhooks", use: webhooks)
        a.post("webhooks", use: createWebhook)
        a.post("webhooks", ":id", "delete", use: deleteWebhook)
    }
}
