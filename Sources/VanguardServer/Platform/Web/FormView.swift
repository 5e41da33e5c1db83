import Vapor
import VanguardCore

/// A form described in Swift and drawn by `Shared/form.leaf`: each field with its label, the
/// value the person typed (kept after an error) and the message beside it.
struct FormView: Encodable {
    var id: String
    var action: String
    var fields: [FormField]
    var submitLabel: String
    var submitId: String = "save"
    var formError: String?
    var cancelHref: String?
    var dirtyWarn: Bool = true

    /// Puts each error beside its field; errors for fields not on the form go to the top.
    mutating func show(_ errors: [FieldError], locale: AppLocale, translations: Translations) {
        let names = Set(fields.map(\.name))
        let placed = PlacedErrors(errors, on: names.contains) { translations.message($0, locale) }
        for i in fields.indices where fields[i].error == nil { fields[i].error = placed.byField[fields[i].name] }
        formError = ([translations.text("formHasErrors", locale)] + placed.unplaced).joined(separator: " ")
    }
}

/// A refusal's messages in the reader's words: the first for each field the form shows, beside
/// it; the others for the top of the form. For forms drawn by hand as for `FormView`.
struct PlacedErrors {
    var byField: [String: String] = [:]
    var unplaced: [String] = []

    init(_ errors: [FieldError], on field: (String) -> Bool, message: (FieldError) -> String) {
        for error in errors {
            let text = message(error)
            if field(error.field) { byField[error.field] = byField[error.field] ?? text } else { unplaced.append(text) }
        }
    }
}

struct FormField: Encodable {
    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    var name: String
    var label: String
    var type: String = "text"
    var value: String = ""
    var required: Bool = false
    var hint: String?
    var error: String?
    var options: [Option] = []
    var autocomplete: String?
    var checked: Bool = false
    var rows: Int = 4
    var cssClass: String = ""
    /// For a select of records too many to list: where `Public/js/picker.js` asks for the ones typed.
    var picker: String?

    static func select(_ name: String, _ label: String, value: String?, options: [(String, String)], required: Bool = false) -> FormField {
        FormField(name: name, label: label, type: "select", value: value ?? "", required: required,
                  options: options.map { Option(value: $0.0, label: $0.1, selected: $0.0 == (value ?? "")) })
    }
}

extension Request {
    /// A posted form field, trimmed; nil when absent.
    func formValue(_ name: String) -> String? {
        (try? content.get(String.self, at: name))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a form action; on a problem with fields, re-renders the form with the messages.
    func handleForm(_ onProblem: ([FieldError], String?) async throws -> Response, _ action: () async throws -> Response) async throws -> Response {
        do {
            return try await action()
        } catch let p as Problem where p.status == .unprocessableEntity || p.status == .conflict || p.status == .preconditionFailed || p.status == .badRequest {
            return try await onProblem(p.errors, p.errors.isEmpty ? (p.detail ?? p.title) : nil)
        } catch let e as FieldErrors {
            return try await onProblem(e.all, nil)
        }
    }
}
