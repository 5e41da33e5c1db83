import Fluent
import Vapor
import VanguardCore

/// Gives every record Fluent creates a time-ordered id (`UUID.timeOrdered`) instead of Fluent's
/// random one, so new rows land at the end of the id indexes rather than all over them. Runs
/// before Fluent would generate an id, and leaves an id the code chose alone.
struct TimeOrderedIDs: AnyModelMiddleware {
    func handle(_ event: ModelEvent, _ model: any AnyModel, on db: any Database, chainingTo next: any AnyModelResponder) -> EventLoopFuture<Void> {
        if case .create = event, let model = model as? any Model { Self.assign(model) }
        return next.handle(event, model, on: db)
    }

    private static func assign<M: Model>(_ model: M) {
        guard model.id == nil, let id = UUID.timeOrdered() as? M.IDValue else { return }
        model.id = id
    }

    static func install(_ app: Application) {
        for id in app.databases.ids() { app.databases.middleware.use(TimeOrderedIDs(), on: id) }
    }
}
