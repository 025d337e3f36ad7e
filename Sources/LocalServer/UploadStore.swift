// Uploaded media: one file per upload under `<data-dir>/uploads/<uuid>`, written as it
// streams in so a 1 GiB upload never sits in memory. Under `--discard-uploads` the body is
// only read and counted, so benchmarks measure the client rather than this server's disk.

import Foundation
import Hummingbird

final class UploadStore: Sendable {
    let directory: String
    let discard: Bool
    /// Ids handed out for discarded uploads, so fetching one says why it has no content.
    private let discarded = Locked<Set<String>>([])

    static let discardedMessage = "This upload was discarded: the server runs with --discard-uploads, which keeps no upload content"

    init(directory: String, discard: Bool = false) throws {
        self.directory = directory
        self.discard = discard
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
        if discard {
            var size = 0
            for try await chunk in body { size += chunk.readableBytes }
            discarded.withLock { _ = $0.insert(id) }
            return (id, size)
        }
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

    func wasDiscarded(_ id: String) -> Bool {
        discarded.withLock { $0.contains(id.lowercased()) }
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
