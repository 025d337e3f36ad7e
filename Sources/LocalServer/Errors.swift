// Every error leaves the server as the real API's shape: HTTP status + `{"error": "<text>"}`.

import Foundation
import Hummingbird

/// An error answered to the client as `{"error": message}` with the given status.
struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    var description: String { "\(status.code) \(message)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        // The Sync and Dictation APIs answer RFC 9457 problem details (Routes/AudioRequestRoutes.swift).
        if AudioRequestRoutes.isAudioRequestPath(request.uri.path) {
            return problemResponse(status: Int(status.code), title: AudioRequestRoutes.title(for: status), detail: message, headers: headers)
        }
        // The Text-to-Speech API (TTS/TTSOptions.swift) has its own envelope.
        if isTTSPath(request.uri.path) { return try TTSAPIError.wrapping(self).response(from: request, context: context) }
        // The LLM Gateway (served under /v1) has its own error shape.
        let body: JSON = request.uri.path.hasPrefix("/v1/")
            ? .object(["error": .object(["code": .int(Int(status.code)), "message": .string(message)])])
            : .object(["error": .string(message)])
        var response = jsonResponse(body, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    // The texts below are the real API's, as documented in the spec examples and API reference.
    static let unauthorized = APIError(status: .unauthorized, message: "Authentication error, API token missing/invalid")
    static let transcriptNotFound = APIError(status: .notFound, message: "Transcript lookup error, transcript id not found")
    static let notFound = APIError(status: .notFound, message: "Not found")
    static let serverError = APIError(status: .internalServerError, message: "Server error, developers have been alerted.")

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }
}

/// Outermost middleware: turns whatever a handler or Hummingbird throws (unknown route,
/// body too large, unexpected failures) into the API's error shape, so clients never see
/// Hummingbird's own `{"error": {"message": ...}}` format.
struct ErrorShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as TTSAPIError {
            throw error
        } catch let error as HTTPError {
            let text: String
            switch error.status {
            case .notFound: text = APIError.notFound.message
            case .methodNotAllowed: text = "Method not allowed"
            case .contentTooLarge: text = "Request body too large"
            default: text = error.body ?? error.status.reasonPhrase
            }
            throw APIError(status: error.status, message: text, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw APIError(status: error.status, message: error.status.reasonPhrase)
        } catch {
            context.logger.error("unhandled error: \(error)")
            throw APIError.serverError
        }
    }
}

/// A JSON response with the API's content type.
func jsonResponse(_ value: JSON, status: HTTPResponse.Status = .ok) -> Response {
    jsonResponse(text: value.serialized(), status: status)
}

func jsonResponse(text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: text))
    )
}
