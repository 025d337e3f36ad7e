// API-key check, as the real API does it: the key is the whole `Authorization` header value
// (no "Bearer" scheme). `/_local` routes belong to the test harness and need no key; the LLM
// Gateway's model list (GET /v1/models) needs none either, as on the real gateway.

import Hummingbird

struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    /// Accepted keys; empty means any non-empty key is accepted.
    let keys: Set<String>

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/_local"), !(request.method == .get && request.uri.path == "/v1/models") else {
            return try await next(request, context)
        }
        guard let key = request.headers[.authorization], !key.isEmpty, keys.isEmpty || keys.contains(key) else {
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }
}
