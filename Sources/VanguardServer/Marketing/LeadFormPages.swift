import Fluent
import Foundation
import Vapor
import VanguardCore

/// `GET/POST /forms/{slug}`: a campaign's public sign-up page, no sign-in (MKT-4). What was typed
/// stays on the page after any refusal, the rate limit's included (429 with Retry-After).
struct LeadFormPages: RouteCollection {
    /// The form's fields as posted, decoded once (`website` is the honeypot).
    struct Posted: Content {
        var name, mobile, email, company, message, consent, website: String?
        var utmSource: String?

        enum CodingKeys: String, CodingKey {
            case name, mobile, email, company, message, consent, website
            case utmSource = "utm_source"
        }

        var values: [String: String] {
            var v: [String: String] = [:]
            for (k, value) in [("name", name), ("mobile", mobile), ("email", email), ("company", company), ("message", message),
                               ("consent", consent), ("website", website), ("utm_source", utmSource)] { v[k] = value }
            return v
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("forms", ":slug", use: show)
        routes.post("forms", ":slug", use: submit)
    }

    struct Context: Encodable {
        var campaignName: String
        var action: String
        var open: Bool
        var thanks: Bool
        var values: Values
        var consentChecked: Bool
        var errors: Errors
        var formError: String?
        var noticeVersion: String
    }

    struct Values: Encodable {
        var name, mobile, email, company, message, utmSource: String
        init(_ v: [String: String]) {
            name = v["name"] ?? ""; mobile = v["mobile"] ?? ""; email = v["email"] ?? ""; company = v["company"] ?? ""
            message = v["message"] ?? ""; utmSource = v["utm_source"] ?? ""
        }
    }

    struct Errors: Encodable {
        var name, mobile, email, company, message, consent: String?
        init(_ e: [String: String]) {
            name = e["name"]; mobile = e["mobile"]; email = e["email"]; company = e["company"]; message = e["message"]; consent = e["consent"]
        }
    }

    func show(req: Request) async throws -> Response {
        let c = try await LeadCapture.campaign(slug: req.parameters.get("slug") ?? "", on: req.db)
        var values: [String: String] = [:]
        if let source = req.queryString("utm_source") { values["utm_source"] = String(source.prefix(100)) }
        return try await page(req, c, values: values, errors: [], thanks: false, status: c.isOpen ? .ok : .gone)
    }

    func submit(req: Request) async throws -> Response {
        let c = try await LeadCapture.campaign(slug: req.parameters.get("slug") ?? "", on: req.db)
        let v = ((try? req.content.decode(Posted.self)) ?? Posted()).values
        guard c.isOpen else { return try await page(req, c, values: v, errors: [], thanks: false, status: .gone) }
        let s = LeadSubmission(name: v["name"], mobile: v["mobile"], email: v["email"], company: v["company"], message: v["message"],
                               consent: v["consent"] == "true" || v["consent"] == "on", honeypot: v["website"], utmSource: v["utm_source"])
        switch try await LeadCapture.submit(s, to: c, req: req) {
        case .saved, .discarded:
            return try await page(req, c, values: [:], errors: [], thanks: true, status: .ok)
        case .invalid(let errors):
            return try await page(req, c, values: v, errors: errors.all, thanks: false, status: .unprocessableEntity)
        case .limited(let seconds):
            let message = req.t("leadFormTooMany").replacingOccurrences(of: "{seconds}", with: String(seconds))
            let r = try await page(req, c, values: v, errors: [FieldError(field: "", code: "rateLimited", message: message)], thanks: false, status: .tooManyRequests)
            r.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
            return r
        }
    }

    private func page(_ req: Request, _ c: LeadCapture.FormCampaign, values: [String: String], errors: [FieldError], thanks: Bool, status: HTTPStatus) async throws -> Response {
        let translations = req.application.translations
        let placed = PlacedErrors(errors, on: ["name", "mobile", "email", "company", "message", "consent"].contains) { e in
            e.code == "rateLimited" ? e.message : translations.message(e, req.locale)
        }
        let formError = errors.isEmpty ? nil : ([translations.text("formHasErrors", req.locale)] + placed.unplaced).joined(separator: " ")
        let policy = try await CampaignService.policy(req)
        return try await req.page("Marketing/lead-form", title: "leadFormTitle", section: "", Context(
            campaignName: c.name, action: "/forms/\(c.slug)", open: c.isOpen, thanks: thanks, values: Values(values),
            consentChecked: values["consent"] == "true" || values["consent"] == "on", errors: Errors(placed.byField), formError: formError,
            noticeVersion: policy.effectivePrivacyNoticeVersion), status: status)
    }
}
