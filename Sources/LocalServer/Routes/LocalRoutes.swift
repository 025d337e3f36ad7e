// /_local: the harness's own routes. No API key, not recorded, not in the spec.

import Foundation
import Hummingbird

struct LocalRoutes: RouteGroup {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.get("/_local/health") { _, _ in
            jsonResponse(.object(["ok": .bool(true)]))
        }

        router.get("/_local/requests") { _, _ in
            jsonResponse(state.recorder.all)
        }

        router.delete("/_local/requests") { _, _ in
            state.recorder.clear()
            return jsonResponse(.object(["ok": .bool(true)]))
        }

        // Webhook deliveries, oldest first (see Webhooks.swift).
        router.get("/_local/webhooks") { _, _ in
            jsonResponse(state.webhooks.all)
        }

        router.delete("/_local/webhooks") { _, _ in
            state.webhooks.clear()
            return jsonResponse(.object(["ok": .bool(true)]))
        }

        // Fault injection (see Faults.swift): arm (a list or one fault), show, clear.
        router.post("/_local/faults") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let input: JSON
            do { input = try JSON.parse(Array(buffer.readableBytesView)) } catch {
                throw APIError.badRequest("Request body is not valid JSON: \(error)")
            }
            let faults = try (input.arrayValue ?? [input]).map(Fault.init(json:))
            let armed = state.faults.arm(faults)
            return jsonResponse(.object(["armed": .array(armed.map(\.json))]))
        }

        router.get("/_local/faults") { _, _ in
            jsonResponse(state.faults.report)
        }

        router.delete("/_local/faults") { _, _ in
            state.faults.clear()
            return jsonResponse(.object(["ok": .bool(true)]))
        }

        router.get("/_local/uploads/:id") { _, context in
            if state.uploads.wasDiscarded(context.parameters.get("id") ?? "") {
                throw APIError(status: .gone, message: UploadStore.discardedMessage)
            }
            guard let path = state.uploads.path(for: context.parameters.get("id") ?? ""),
                  FileManager.default.fileExists(atPath: path) else { throw APIError.notFound }
            let body = try await FileIO().loadFile(path: path, context: context)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
        }

        // Checks a value against a schema of the specs, with the server's own validator, so
        // test suites in any language can check the server's (or anything's) JSON:
        // {"schema": "Transcript", "instance": {...}} ->
        // {"valid": true if valid under some version, "errors": {"openapi.yml": [...], ...}}
        router.post("/_local/validate") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let input: JSON
            do { input = try JSON.parse(Array(buffer.readableBytesView)) } catch {
                throw APIError.badRequest("Request body is not valid JSON: \(error)")
            }
            guard let name = input["schema"]?.stringValue, let instance = input["instance"] else {
                throw APIError.badRequest("expected {\"schema\": NAME, \"instance\": VALUE}")
            }
            var errors: [String: JSON] = [:]
            for doc in state.specs.documents {
                guard let schema = doc.schema(named: name) else { continue }
                errors[doc.name] = .array(doc.validator.validate(instance, against: schema).map { .string($0.message(root: "value")) })
            }
            guard !errors.isEmpty else { throw APIError.badRequest("no schema named \(name)") }
            let valid = errors.values.contains { $0.arrayValue?.isEmpty == true }
            return jsonResponse(.object(["valid": .bool(valid), "errors": .object(errors)]))
        }
    }
}
