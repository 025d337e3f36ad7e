/// The notification the API posts to a transcript's `webhook_url` when the transcript is
/// completed or failed (`TranscriptReadyNotification` in the API spec).
public struct TranscriptReadyNotification: Sendable, Equatable {
    public let transcriptID: String
    /// `.completed` or `.error`.
    public let status: TranscriptStatus
}

/// The notification posted when the PII-redacted audio of a transcript is ready
/// (`RedactedAudioNotification`: `status` "redacted_audio_ready" and `redacted_audio_url`).
public struct RedactedAudioNotification: Sendable, Equatable {
    public let redactedAudioURL: String
}

/// Reads webhook notifications, so that a receiving app writes no JSON handling of its own.
///
/// The API sends the auth header configured with ``TranscriptionConfig`` (`webhook_auth_header_name`
/// and `_value`) with each notification; pass the value the request carried under that name
/// and the value you configured. The values are compared in constant time, before the body is
/// looked at. The body must have exactly the documented shape (the spec declares
/// `additionalProperties: false`); anything else is ``ErrorCode/proto``.
public enum Webhook {
    /// Checks the auth header, then reads a transcript-ready notification.
    /// - Parameters:
    ///   - body: the request body as received.
    ///   - receivedAuth: the value of the request's auth header, nil when it had none.
    ///   - expectedAuth: the configured value; nil skips the check (a webhook without auth).
    public static func parseTranscriptReady(_ body: [UInt8], receivedAuth: [UInt8]?, expectedAuth: [UInt8]?)
        throws(AssemblyAIError) -> TranscriptReadyNotification
    {
        try checkAuth(received: receivedAuth, expected: expectedAuth)
        let root = try object(body)
        if root["status"]?.string == "redacted_audio_ready" {
            throw AssemblyAIError(.proto, "the webhook body is a redacted-audio notification, not a transcript notification")
        }
        try onlyKeys(root, ["transcript_id", "status"])
        guard let id = root["transcript_id"]?.string else {
            throw AssemblyAIError(.proto, "the webhook body has no transcript_id string")
        }
        guard !id.isEmpty, id.utf8.count <= 128,
              id.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) else {
            throw AssemblyAIError(.proto, "the webhook body's transcript_id is not a transcript id")
        }
        guard let statusText = root["status"]?.string else {
            throw AssemblyAIError(.proto, "the webhook body has no status string")
        }
        let status = TranscriptStatus(statusText)
        guard status == .completed || status == .error else {
            throw AssemblyAIError(.proto, "the webhook body's status is '\(printable(statusText))', not completed or error")
        }
        return TranscriptReadyNotification(transcriptID: id, status: status)
    }

    /// Checks the auth header, then reads a redacted-audio notification.
    public static func parseRedactedAudio(_ body: [UInt8], receivedAuth: [UInt8]?, expectedAuth: [UInt8]?)
        throws(AssemblyAIError) -> RedactedAudioNotification
    {
        try checkAuth(received: receivedAuth, expected: expectedAuth)
        let root = try object(body)
        if root["transcript_id"] != nil {
            throw AssemblyAIError(.proto, "the webhook body is a transcript notification, not a redacted-audio notification")
        }
        try onlyKeys(root, ["status", "redacted_audio_url"])
        guard root["status"]?.string == "redacted_audio_ready" else {
            throw AssemblyAIError(.proto, "the webhook body's status is not redacted_audio_ready")
        }
        guard let url = root["redacted_audio_url"]?.string, !url.isEmpty else {
            throw AssemblyAIError(.proto, "the webhook body has no redacted_audio_url string")
        }
        return RedactedAudioNotification(redactedAudioURL: url)
    }

    /// Compares two byte strings in time that depends only on their lengths, never on where
    /// they first differ.
    @inline(never)
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: a.count ^ b.count)
        let n = max(a.count, b.count)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for i in 0..<n {
                    let x = i < pa.count ? pa[i] : 0
                    let y = i < pb.count ? pb[i] : 0
                    difference |= UInt(x ^ y)
                }
            }
        }
        return difference == 0
    }

    // MARK: Helpers

    private static func checkAuth(received: [UInt8]?, expected: [UInt8]?) throws(AssemblyAIError) {
        guard let expected else { return }
        guard let received else {
            throw AssemblyAIError(.auth, "the webhook request has no auth header value, but one is expected")
        }
        guard constantTimeEquals(received, expected) else {
            throw AssemblyAIError(.auth, "the webhook request's auth header value does not match the expected one")
        }
    }

    private static func object(_ body: [UInt8]) throws(AssemblyAIError) -> JSONNode {
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: body, maxDepth: 8)
        } catch {
            throw AssemblyAIError(.proto, "the webhook body is not JSON: \(error)")
        }
        guard document.root.isObject else { throw AssemblyAIError(.proto, "the webhook body is not a JSON object") }
        return document.root
    }

    private static func onlyKeys(_ root: JSONNode, _ allowed: Set<String>) throws(AssemblyAIError) {
        var seen = Set<String>()
        for (key, _) in root.members {
            guard allowed.contains(key) else {
                throw AssemblyAIError(.proto, "the webhook body has an unexpected field '\(printable(key))'")
            }
            guard seen.insert(key).inserted else {
                throw AssemblyAIError(.proto, "the webhook body has the field '\(key)' twice")
            }
        }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// At most 64 characters of untrusted text, without control characters, for a message.
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
