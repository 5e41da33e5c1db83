import Fluent
import Foundation
import Vapor
import VanguardCore

/// The team's channel accounts on the web (MKT-3): the list, and a form to add or change one.
struct ChannelPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("market", "channels")
        c.get(use: list)
        c.get("new", use: newForm)
        c.post(use: create)
        c.get(":id", use: editForm)
        c.post(":id", use: update)
        c.post(":id", "delete", use: delete)
    }

    struct Row: Encodable {
        var id: UUID; var channel: String; var channelKey: String; var name: String; var handle: String; var url: String?
        var owner: String; var followers: String; var active: Bool
        /// The name opens the account's form for who may change it; the others read the row.
        var canEdit: Bool
    }
    struct ListContext: Encodable { var rows: [Row]; var q: String; var channels: [FormField.Option]; var nextHref: String?; var canCreate: Bool }

    func list(req: Request) async throws -> Response {
        let (list, accounts) = try await ChannelAccountList.page(req, strict: false)
        let page = list.cut(accounts, value: { list.sortField == "channel" ? $0.channel : $0.name }, id: { $0.id })
        let channels = try await ChannelAccountService.channels(req)
        let owners = try await SalesNames.members(page.shown.compactMap(\.ownerMemberId), on: req.db)
        let q = req.queryString("q") ?? "", channel = req.queryString("channel") ?? ""
        let promotion = try await PromotionGroup.id(on: req.db)
        let groups = try await SalesNames.groups(of: page.shown.compactMap(\.ownerMemberId), on: req.db)
        return try await req.page("Marketing/channels", title: "navChannels", section: "channels", ListContext(
            rows: page.shown.map { a in
                Row(id: a.id!, channel: channels.first { $0.key == a.channel }?.name[req.locale] ?? a.channel, channelKey: a.channel, name: a.name,
                    handle: a.handle, url: a.url, owner: a.ownerMemberId.flatMap { owners[$0] } ?? "—",
                    followers: a.followers.map(ContentPostPages.count) ?? "—", active: a.active,
                    canEdit: req.allowed(.update, .marketingRecord(MarketingFacts(owner: a.ownerMemberId, ownerGroup: a.ownerMemberId.flatMap { groups[$0] },
                                                                                  promotionGroup: promotion))))
            },
            q: q, channels: [FormField.Option(value: "", label: req.t("allChannels"), selected: channel.isEmpty)]
                + channels.map { FormField.Option(value: $0.key, label: $0.name[req.locale], selected: $0.key == channel) },
            nextHref: page.next.map { SalesNames.href("/market/channels", ["cursor": $0, "q": q, "channel": channel]) },
            canCreate: req.allowed(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))))
    }

    static let keys = ["channel", "name", "handle", "url", "ownerId", "followers", "active", "notes"]

    private func form(_ req: Request, action: String, values v: [String: String], errors: [FieldError]) async throws -> FormView {
        let channels = try await ChannelAccountService.channels(req)
        var form = FormView(id: "channel-form", action: action, fields: [
            .select("channel", req.t("channel"), value: v["channel"], options: channels.map { ($0.key, $0.name[req.locale]) }, required: true),
            FormField(name: "name", label: req.t("accountName"), value: v["name"] ?? "", required: true),
            FormField(name: "handle", label: req.t("accountHandle"), value: v["handle"] ?? ""),
            FormField(name: "url", label: req.t("accountUrl"), type: "url", value: v["url"] ?? ""),
            .select("ownerId", req.t("owner"), value: v["ownerId"], options: [("", "—")] + (try await PromotionGroup.ownerOptions(on: req.db))),
            FormField(name: "followers", label: req.t("followers"), type: "number", value: v["followers"] ?? "", hint: req.t("followersHint")),
            FormField(name: "active", label: req.t("accountActive"), type: "checkbox", checked: v["active"] == "true" || v["active"] == "on"),
            FormField(name: "notes", label: req.t("notes"), type: "textarea", value: v["notes"] ?? "", rows: 2),
        ], submitLabel: req.t("save"), submitId: "save-channel", cancelHref: "/market/channels")
        if !errors.isEmpty { form.show(errors, locale: req.locale, translations: req.application.translations) }
        return form
    }

    static func input(_ v: [String: String]) throws -> ChannelAccountInput {
        var input = ChannelAccountInput()
        input.channel = v["channel"]; input.name = v["name"]; input.handle = v["handle"]; input.notes = v["notes"]
        input.url = .value(v["url"] ?? "")
        input.ownerId = UUID(uuidString: v["ownerId"] ?? "").map { .value($0) } ?? .null
        input.active = v["active"] == "true" || v["active"] == "on"
        if let text = v["followers"]?.replacingOccurrences(of: ",", with: ""), !text.isEmpty {
            guard let n = Int(text) else { throw Problem.invalid("followers", "invalidNumber", "Give a whole number.") }
            input.followers = .value(n)
        } else { input.followers = .null }
        return input
    }

    func newForm(req: Request) async throws -> Response {
        let user = try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let f = try await form(req, action: "/market/channels", values: ["channel": "wechat", "active": "true", "ownerId": user.actor.memberId?.uuidString ?? ""], errors: [])
        return try await MarketingForm.render(req, title: "newChannelAccount", section: "channels", form: f)
    }

    func create(req: Request) async throws -> Response {
        try req.authorize(.create, .marketingRecord(try await PromotionGroup.facts(owner: nil, on: req.db)))
        let v = SalesNames.posted(req, Self.keys)
        return try await MarketingForm.submit(req, title: "newChannelAccount", section: "channels", form: { try await form(req, action: "/market/channels", values: v, errors: $0) }) {
            _ = try await ChannelAccountService.save(ChannelAccountService.new(owner: nil), try Self.input(v), creating: true, req: req)
            return req.redirect(to: "/market/channels", flash: "channelSaved")
        }
    }

    func editForm(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req)
        let facts = try await ChannelAccountService.facts(a, on: req.db)
        try req.authorize(.update, .marketingRecord(facts))
        let v = ["channel": a.channel, "name": a.name, "handle": a.handle, "url": a.url ?? "", "ownerId": a.ownerMemberId?.uuidString ?? "",
                 "followers": a.followers.map(String.init) ?? "", "active": a.active ? "true" : "", "notes": a.notes]
        let f = try await form(req, action: "/market/channels/\(a.id!)", values: v, errors: [])
        return try await MarketingForm.render(req, title: "editChannelAccount", section: "channels", form: f, subtitle: a.name,
                                              deleteAction: req.allowed(.delete, .marketingRecord(facts)) ? "/market/channels/\(a.id!)/delete" : nil)
    }

    func delete(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req)
        try req.authorize(.delete, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        try await ChannelAccountService.delete(a, req: req)
        return req.redirect(to: "/market/channels", flash: "channelDeleted")
    }

    func update(req: Request) async throws -> Response {
        let a = try await ChannelAccountService.find(req)
        try req.authorize(.update, .marketingRecord(try await ChannelAccountService.facts(a, on: req.db)))
        let v = SalesNames.posted(req, Self.keys)
        return try await MarketingForm.submit(req, title: "editChannelAccount", section: "channels", subtitle: a.name, form: { try await form(req, action: "/market/channels/\(a.id!)", values: v, errors: $0) }) {
            _ = try await ChannelAccountService.save(a, try Self.input(v), creating: false, req: req)
            return req.redirect(to: "/market/channels", flash: "channelSaved")
        }
    }
}
