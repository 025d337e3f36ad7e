// Webhook delivery: when a transcript with a webhook_url completes or fails, POST
// {"transcript_id", "status"} to it, as the real API does. Only http:// loopback URLs are
// called (this server never reaches the network); every attempt is recorded for
// GET /_local/webhooks, and the answer's status becomes the transcript's webhook_status_code.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class WebhookDispatcher: Sendable {
    private let deliveries = Locked<[JSON]>([])
    /// How long to wait for the receiver to connect, read and answer.
    static let timeoutSeconds = 5

    var all: JSON { .array(deliveries.withLock { $0 }) }

    func clear() { deliveries.withLock { $0.removeAll() } }

    /// Arms the delivery of `job`'s webhook for the moment it finishes.
    func schedule(_ job: TranscriptJob, store: TranscriptStore) {
        // A job the recogniser is still working on is scheduled again once it is resolved.
        guard job.request["webhook_url"]?.stringValue != nil, job.outcome != nil else { return }
        let delay = max(0, job.finishedAt.timeIntervalSinceNow)
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            guard let current = store.get(job.id), !current.deleted else { return }
            deliver(current, store: store)
        }
    }

    private func deliver(_ job: TranscriptJob, store: TranscriptStore) {
        let url = job.request["webhook_url"]?.stringValue ?? ""
        let status = job.status(at: job.finishedAt)
        let body: JSON = .object(["transcript_id": .string(job.id), "status": .string(status)])
        var headers: [(String, String)] = [("Content-Type", "application/json"), ("User-Agent", "assemblyai-server")]
        if let name = job.request["webhook_auth_header_name"]?.stringValue {
            headers.append((name, job.request["webhook_auth_header_value"]?.stringValue ?? ""))
        }
        var record: [String: JSON] = [
            "transcript_id": .string(job.id),
            "url": .string(url),
            "status": .string(status),
            "headers": .object(Dictionary(headers.map { ($0.0.lowercased(), JSON.string($0.1)) }) { a, _ in a }),
            "body": body,
            "attempted_at": .string(TranscriptStore.timestamp(Date())),
            "response_status": .null,
            "error": .null,
        ]
        switch LoopbackHTTP.post(url, headers: headers, body: Array(body.serialized().utf8), timeoutSeconds: Self.timeoutSeconds) {
        case .success(let code):
            record["response_status"] = .int(code)
            store.setWebhookStatus(job.id, code)
        case .failure(let error):
            record["error"] = .string(error.message)
        }
        deliveries.withLock { $0.append(.object(record)) }
    }
}

/// A minimal blocking HTTP/1.1 client for loopback addresses only: enough to POST a small JSON
/// body and read the status code of the answer.
enum LoopbackHTTP {
    struct Failure: Error { let message: String }

    static func post(_ url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Int) -> Result<Int, Failure> {
        guard let c = URLComponents(string: url), c.scheme == "http", var host = c.host, !host.isEmpty else {
            return .failure(Failure(message: "not delivered: only http:// URLs on a loopback address are called"))
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = c.port ?? 80
        let address: String
        switch host.lowercased() {
        case "localhost": address = "127.0.0.1"
        case let h where h.hasPrefix("127.") || h == "::1": address = h
        default: return .failure(Failure(message: "not delivered: \(host) is not a loopback address"))
        }
        let ipv6 = address.contains(":")
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, streamType, 0)
        guard fd >= 0 else { return .failure(Failure(message: "socket() failed: errno \(errno)")) }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))

        let connected: Int32
        if ipv6 {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = in_port_t(UInt16(port)).bigEndian
            guard inet_pton(AF_INET6, address, &sa.sin6_addr) == 1 else { return .failure(Failure(message: "bad address \(address)")) }
            connected = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = in_port_t(UInt16(port)).bigEndian
            guard inet_pton(AF_INET, address, &sa.sin_addr) == 1 else { return .failure(Failure(message: "bad address \(address)")) }
            connected = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard connected == 0 else { return .failure(Failure(message: "connection failed: \(String(cString: strerror(errno)))")) }

        var target = c.percentEncodedPath.isEmpty ? "/" : c.percentEncodedPath
        if let q = c.percentEncodedQuery { target += "?" + q }
        var head = "POST \(target) HTTP/1.1\r\nHost: \(c.host ?? host):\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return .failure(Failure(message: "sending failed: \(String(cString: strerror(errno)))")) }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !answer.contains(0x0A) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else {
                return .failure(Failure(message: n == 0 ? "connection closed without an answer" : "no answer: \(String(cString: strerror(errno)))"))
            }
            answer += buffer[0..<n]
        }
        let statusLine = String(decoding: answer.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else {
            return .failure(Failure(message: "not an HTTP answer: \(statusLine)"))
        }
        return .success(code)
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    private static let MSG_NOSIGNAL: Int32 = 0
    #endif
}
