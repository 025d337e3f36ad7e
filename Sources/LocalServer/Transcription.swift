// From a transcript request to its outcome: find the audio, read it, recognise it, apply the
// text features. Only this server's own uploads (and synthetic sources) can be fetched; any
// other URL fails the way an unreachable URL fails on the real API.
//
// Where the words come from (docs/local-server.md, "Speech recognition"): a WAV's ICMT comment
// (and synthetic sources) in comment mode; the speech recogniser otherwise. `--recognition`
// chooses: `auto` (the comment when the WAV has one, else the recogniser when it is installed),
// `comment` (never the recogniser), `speech` (always the recogniser).

import Foundation

enum RecognitionMode: String, Sendable, CaseIterable {
    case auto, comment, speech
}

enum Transcription {
    /// What to do for a new transcript: an outcome known now, or a file for the recogniser.
    enum Plan {
        case done(TranscriptJob.Outcome)
        case recognize(path: String, options: TextOptions)
    }

    static func plan(for request: [String: JSON], state: ServerState) -> Plan {
        let url = request["audio_url"]?.stringValue ?? ""
        let audio: AudioInfo
        let options = TextOptions(
            punctuate: request["punctuate"]?.boolValue ?? true,
            formatText: request["format_text"]?.boolValue ?? true,
            startMs: request["audio_start_from"]?.intValue,
            endMs: request["audio_end_at"]?.intValue
        )
        if let query = Synthetic.query(inURL: url, port: state.port) {
            switch Synthetic.audio(query) {
            case .success(let a): audio = a
            case .failure(let error): return .done(.failed(error.message))
            }
        } else {
            if let id = state.uploads.uploadID(inURL: url, port: state.port), state.uploads.wasDiscarded(id) {
                return .done(.failed(UploadStore.discardedMessage))
            }
            guard let id = state.uploads.uploadID(inURL: url, port: state.port),
                  let path = state.uploads.path(for: id), FileManager.default.fileExists(atPath: path) else {
                return .done(.failed("Download error, unable to download \(url). Please make sure the file exists and is accessible from the internet."))
            }
            let recognizer = state.recognizer
            do {
                audio = try WAVReader.read(path: path)
                if recognizer != nil, state.recognitionMode == .speech || (state.recognitionMode == .auto && audio.comment == nil),
                   !Silence.isSilentWAV(path: path, info: audio) {
                    return .recognize(path: path, options: options)
                }
            } catch {
                // Not a WAV: the recogniser decodes every other format (FLAC, MP3, OGG/Opus, ...).
                if recognizer != nil, state.recognitionMode != .comment {
                    return .recognize(path: path, options: options)
                }
                return .done(.failed((error as? AudioReadError)?.message ?? WAVReader.notAudio(kind: "application/octet-stream (data)")))
            }
        }
        return .done(finish(AudioText.recognize(audio, options: options), request: request))
    }

    /// The outcome of a request whose words are known.
    static func finish(_ recognition: Recognition, request: [String: JSON]) -> TranscriptJob.Outcome {
        let content = TranscriptContent.build(recognition, request: request)
        if let language = content.language, let threshold = request["language_confidence_threshold"]?.doubleValue,
           language.confidence < threshold {
            return .failed("detected language '\(language.code)', confidence \(language.confidence), is below the requested confidence threshold value of '\(threshold)'")
        }
        return .recognized(content)
    }

    /// Runs the recogniser for a pending job and resolves it (then its webhook is scheduled).
    static func recognizeInBackground(job: TranscriptJob, path: String, options: TextOptions, state: ServerState) {
        guard let recognizer = state.recognizer else { return }
        Task.detached {
            let outcome: TranscriptJob.Outcome
            do {
                let result = try await recognizer.recognize(path: path, startMs: options.startMs, endMs: options.endMs, reserved: true)
                outcome = finish(SpeechText.recognition(result, path: path, options: options), request: job.request)
            } catch RecognizerError.notAudio {
                let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 512)) ?? nil
                outcome = .failed(WAVReader.notAudio(kind: WAVReader.describe(head ?? Data())))
            } catch {
                outcome = .failed((error as? RecognizerError)?.description ?? "Speech recognition failed: \(error)")
            }
            if let resolved = state.transcripts.resolve(job.id, outcome: outcome) {
                state.webhooks.schedule(resolved, store: state.transcripts)
            }
        }
    }

    /// The upload a transcript's audio_url names, if it is one of ours.
    static func uploadID(of job: TranscriptJob, state: ServerState) -> String? {
        job.request["audio_url"]?.stringValue.flatMap { state.uploads.uploadID(inURL: $0, port: state.port) }
    }
}
