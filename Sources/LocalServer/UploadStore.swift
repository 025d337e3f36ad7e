// Uploaded media: one file per upload under `<data-dir>/uploads/<uuid>`, written as it
// streams in so a 1 GiB upload never sits in memory.

import Foundation
import Hummingbird

final class UploadStore: Sendable {
    let directory: String

    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// The file of upload `id`, when `id` is an upload id (a UUID) at all.
    func path(for id: String) -> String? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return (directory as NSString).appendingPathComponent(uuid.uuidString.lowercased())
    }

    func exists(_ id: String) -> Bool {
        path(for: id).map { FileManager.default.fileExists(atPath: $0) } ?? false
    }

    /// Streams `body` to a new upload; returns its id and size in bytes.
    func save(_ body: RequestBody, context: some RequestContext) async throws -> (id: String, size: Int) {
        let id = UUID().uuidString.lowercased()
        let path = (directory as NSString).appendingPathComponent(id)
        do {
            try await FileIO().writeFile(contents: body, path: path, context: context)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (id, size)
    }

    func delete(_ id: String) {
        if let path = path(for: id) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The upload id an `audio_url` names, when it points at this server's upload route.
    /// Any host is accepted: clients may say localhost, 127.0.0.1 or a name for this machine.
    func uploadID(inURL url: String, port: Int) -> String? {
        guard let components = URLComponents(string: url), components.scheme == "http" || components.scheme == "https",
              components.port == port else { return nil }
        let parts = components.path.split(separator: "/")
        guard parts.count == 3, parts[0] == "_local", parts[1] == "uploads" else { return nil }
        return String(parts[2])
    }
}
