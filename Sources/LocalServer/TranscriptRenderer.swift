// Jobs as the spec's `Transcript` and `TranscriptListItem` objects.
//
// A Transcript has every property both spec versions define (nullable ones as null when not
// applicable), the request's own config fields echoed back, and the feature fields. Fields only
// one spec version has (word_boost, speech_models, ...) appear only when the request sent them,
// so a response is valid under the same spec version as its request.

import Foundation

struct TranscriptRenderer: Sendable {
    /// Transcript properties of any spec version: request fields with these names are echoed.
    let echoedFields: Set<String>

    init(specs: SpecSet) {
        var names = Set<String>()
        for doc in specs.documents {
            names.formUnion(doc.schema(named: "Transcript")?["properties"]?.objectValue?.keys.map { $0 } ?? [])
        }
        echoedFields = names
    }

    func transcript(_ job: TranscriptJob, now: Date = Date()) -> JSON {
        if job.deleted { return deleted(job, now: now) }
        let request = job.request
        var t: [String: JSON] = [
            "id": .string(job.id),
            "status": .string(job.status(at: now)),
            "language_model": .string("assemblyai_default"),
            "acoustic_model": .string("assemblyai_default"),
            "speech_model": .null,
            "language_code": .string("en_us"),
            "language_detection": .bool(false),
            "language_confidence_threshold": .null,
            "punctuate": .bool(true),
            "format_text": .bool(true),
            "disfluencies": .bool(false),
            "multichannel": .bool(false),
            "webhook_url": .null,
            "webhook_status_code": .null,
            "webhook_auth": .bool(request["webhook_auth_header_name"]?.stringValue != nil),
            "webhook_auth_header_name": .null,
            "speed_boost": .bool(false),
            "auto_highlights": .bool(false),
            "audio_start_from": .null,
            "audio_end_at": .null,
            "filter_profanity": .bool(false),
            "redact_pii": .bool(false),
            "redact_pii_audio": .bool(false),
            "redact_pii_audio_quality": .null,
            "redact_pii_policies": .null,
            "speaker_labels": .bool(false),
            "speakers_expected": .null,
            "content_safety": .bool(false),
            "iab_categories": .bool(false),
            "custom_spelling": .null,
            "auto_chapters": .bool(false),
            "summarization": .bool(false),
            "summary_type": .null,
            "summary_model": .null,
            "custom_topics": .bool(false),
            "topics": .array([]),
            "speech_threshold": .null,
            "sentiment_analysis": .bool(false),
            "entity_detection": .bool(false),
            "throttled": .null,
        ]
        // The request's config, as sent. Nulls are skipped: several Transcript fields are not
        // nullable even where the request's are (redact_pii_sub), and absent means the same.
        for (key, value) in request where echoedFields.contains(key) && !value.isNull {
            t[key] = value
        }
        if let models = request["speech_models"]?.arrayValue, let first = models.first {
            t["speech_model_used"] = first
        }
        t["webhook_status_code"] = job.webhookStatusCode.map(JSON.int) ?? .null
        // The write-only secret is never echoed (the spec's Transcript has no such field).
        t["webhook_auth_header_value"] = nil

        let outcome = job.finished(at: now)
        var content: TranscriptContent?
        switch outcome {
        case .recognized(let c): content = c
        case .failed(let message): t["error"] = .string(message)
        case nil: break
        }
        let input = FeatureInput(request: request, content: content)
        for feature in Features.all {
            t.merge(feature.fields(input)) { _, new in new }
        }
        return .object(t)
    }

    /// After DELETE: the real API keeps the job but replaces its content, as the spec's
    /// `DeleteTranscriptResponse` example shows.
    private func deleted(_ job: TranscriptJob, now: Date) -> JSON {
        let removed = "http://deleted_by_user"
        var t: [String: JSON] = [
            "id": .string(job.id),
            "status": .string(job.status(at: now)),
            "language_model": .string("assemblyai_default"),
            "acoustic_model": .string("assemblyai_default"),
            "speech_model": .null,
            "audio_url": .string(removed),
            "text": .string("Deleted by user."),
            "webhook_url": job.request["webhook_url"].map { _ in .string(removed) } ?? .null,
            "webhook_auth": .bool(false),
            "auto_highlights": .bool(false),
            "redact_pii": .bool(false),
            "summarization": .bool(false),
            "auto_chapters": .bool(false),
            "multichannel": .bool(false),
            "audio_duration": .null,
        ]
        for key in ["words", "utterances", "confidence", "language_detection", "language_confidence_threshold",
                    "language_confidence", "punctuate", "format_text", "webhook_status_code", "webhook_auth_header_name",
                    "speed_boost", "auto_highlights_result", "audio_start_from", "audio_end_at", "filter_profanity",
                    "redact_pii_audio", "redact_pii_audio_quality", "redact_pii_policies", "speaker_labels",
                    "content_safety", "iab_categories", "content_safety_labels", "iab_categories_result",
                    "custom_spelling", "throttled", "summary_type", "summary_model", "custom_topics",
                    "speech_threshold", "chapters", "disfluencies", "entity_detection", "entities", "speakers_expected",
                    "summary", "sentiment_analysis", "sentiment_analysis_results"] {
            t[key] = .null
        }
        if case .recognized(let c)? = job.finished(at: now) {
            t["audio_duration"] = .int(Features.audioDuration(c))
        }
        if case .failed(let message)? = job.finished(at: now) { t["error"] = .string(message) }
        return .object(t)
    }

    func listItem(_ job: TranscriptJob, baseURL: String, now: Date = Date()) -> JSON {
        var error = JSON.null
        var completed = JSON.null
        switch job.finished(at: now) {
        case .failed(let message)?: error = .string(message)
        case .recognized?: completed = .string(TranscriptStore.timestamp(job.finishedAt))
        case nil: break
        }
        return .object([
            "id": .string(job.id),
            "resource_url": .string("\(baseURL)/v2/transcript/\(job.id)"),
            "status": .string(job.status(at: now)),
            "created": .string(TranscriptStore.timestamp(job.created)),
            "completed": completed,
            "audio_url": .string(job.deleted ? "http://deleted_by_user" : job.request["audio_url"]?.stringValue ?? ""),
            "error": error,
        ])
    }
}
