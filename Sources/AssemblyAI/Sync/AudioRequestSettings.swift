// The Sync and Dictation APIs' settings from the environment, under the names the official
// Python SDK 1.8.2 reads (pydantic settings with the prefix ASSEMBLYAI_): the base URLs as given,
// the timeouts in seconds. A value that cannot be used (not https, not a positive number) is
// ignored, so a bad variable never breaks a program that does not use these APIs.

import Glibc

extension Settings {
    mutating func applySingleRequestEnvironment() {
        func env(_ name: String) -> String? {
            guard let v = getenv(name) else { return nil }
            let s = String(cString: v)
            return s.isEmpty ? nil : s
        }
        func url(_ name: String) -> String? { env(name).flatMap { try? Settings.validatedBaseURL($0) } }
        func seconds(_ name: String) -> Int? {
            guard let text = env(name), let s = Double(text), s > 0, s < 86_400 * 365 else { return nil }
            return max(1, Int(s * 1000))
        }
        if let u = url("ASSEMBLYAI_SYNC_BASE_URL") { syncBaseURL = u }
        if let t = seconds("ASSEMBLYAI_SYNC_HTTP_TIMEOUT") { syncHttpTimeoutMs = t }
        if let t = seconds("ASSEMBLYAI_SYNC_LIVE_HTTP_TIMEOUT") { syncLiveHttpTimeoutMs = t }
        if let u = url("ASSEMBLYAI_DICTATION_BASE_URL") { dictationBaseURL = u }
        if let t = seconds("ASSEMBLYAI_DICTATION_HTTP_TIMEOUT") { dictationHttpTimeoutMs = t }
    }
}
