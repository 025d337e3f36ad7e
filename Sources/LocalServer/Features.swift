// Transcript features. Each one is a single function from the request and the recognised
// words to the Transcript fields it owns, so adding summaries, chapters, PII redaction, ...
// means adding one function here. Before the job completes the fields are null.

import Foundation

struct FeatureInput {
    let request: [String: JSON]
    /// The recognition result, once the job has completed.
    let recognition: Recognition?

    func flag(_ key: String) -> Bool { request[key]?.boolValue ?? false }
}

struct TranscriptFeature: Sendable {
    let name: String
    let fields: @Sendable (FeatureInput) -> [String: JSON]
}

enum Features {
    static let all: [TranscriptFeature] = [
        TranscriptFeature(name: "transcription", fields: transcription),
        TranscriptFeature(name: "speaker_labels", fields: speakerLabels),
        TranscriptFeature(name: "language_detection", fields: languageDetection),
        // Not implemented yet: present as the spec's "not requested / not available" values.
        TranscriptFeature(name: "auto_highlights", fields: { _ in ["auto_highlights_result": .null] }),
        TranscriptFeature(name: "content_safety", fields: { _ in ["content_safety_labels": .null] }),
        TranscriptFeature(name: "iab_categories", fields: { _ in ["iab_categories_result": .null] }),
        TranscriptFeature(name: "summarization", fields: { _ in ["summary": .null] }),
        TranscriptFeature(name: "auto_chapters", fields: { _ in ["chapters": .null] }),
        TranscriptFeature(name: "sentiment_analysis", fields: { _ in ["sentiment_analysis_results": .null] }),
        TranscriptFeature(name: "entity_detection", fields: { _ in ["entities": .null] }),
    ]

    /// text, words, confidence, audio_duration (and audio_channels for multichannel requests).
    static func transcription(_ input: FeatureInput) -> [String: JSON] {
        guard let r = input.recognition else {
            return ["text": .null, "words": .null, "confidence": .null, "audio_duration": .null]
        }
        let labelled = input.flag("speaker_labels")
        var fields: [String: JSON] = [
            "text": .string(r.text),
            "words": .array(r.words.map { wordJSON($0, labelled: labelled) }),
            "confidence": AudioText.mean(r.words.map(\.confidence)).map(JSON.double) ?? .null,
            // Whole seconds, rounded half up.
            "audio_duration": .int((r.audio.durationMs + 500) / 1000),
        ]
        if input.flag("multichannel") { fields["audio_channels"] = .int(r.audio.channels) }
        return fields
    }

    /// utterances: one per run of consecutive words with the same speaker.
    static func speakerLabels(_ input: FeatureInput) -> [String: JSON] {
        guard input.flag("speaker_labels"), let r = input.recognition else { return ["utterances": .null] }
        var turns: [[Word]] = []
        for word in r.words {
            if let last = turns.last?.last, last.speaker == word.speaker {
                turns[turns.count - 1].append(word)
            } else {
                turns.append([word])
            }
        }
        return ["utterances": .array(turns.map { words in
            .object([
                "confidence": .double(AudioText.mean(words.map(\.confidence)) ?? 0),
                "start": .int(words[0].start),
                "end": .int(words[words.count - 1].end),
                "text": .string(words.map(\.text).joined(separator: " ")),
                "words": .array(words.map { wordJSON($0, labelled: true) }),
                "speaker": .string(words[0].speaker),
                "channel": .null,
            ])
        })]
    }

    /// With automatic language detection the audio is always found to be English.
    static func languageDetection(_ input: FeatureInput) -> [String: JSON] {
        guard input.flag("language_detection") else { return ["language_confidence": .null] }
        var fields: [String: JSON] = ["language_confidence": input.recognition == nil ? .null : .double(1.0)]
        if input.recognition != nil { fields["language_code"] = .string("en") }
        return fields
    }

    static func wordJSON(_ w: Word, labelled: Bool) -> JSON {
        .object([
            "text": .string(w.text),
            "start": .int(w.start),
            "end": .int(w.end),
            "confidence": .double(w.confidence),
            "speaker": labelled ? .string(w.speaker) : .null,
            "channel": .null,
        ])
    }
}
