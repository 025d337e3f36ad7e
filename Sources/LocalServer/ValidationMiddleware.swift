// Every API request is checked against the official specs before a route sees it, so routes
// can trust the shape of their input and a client learns at once when it sends what the real
// API would reject.

import Hummingbird

struct ValidationMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let specs: SpecSet

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/_local") else { return try await next(request, context) }
        let outcome = specs.validate(method: request.method.rawValue, path: request.uri.path,
                                     query: parseQuery(request.uri.query), body: context.body)
        if case .rejected(let message) = outcome { throw APIError.badRequest(message) }
        return try await next(request, context)
    }
}
