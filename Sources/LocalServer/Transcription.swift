// From a transcript request to its outcome: find the audio, read it, recognise it, apply the
// text features. Only this server's own uploads (and synthetic sources) can be fetched; any
// other URL fails the way an unreachable URL fails on the real API.

import Foundation

enum Transcription {
    static func outcome(for request: [String: JSON], state: ServerState) -> TranscriptJob.Outcome {
        let url = request["audio_url"]?.stringValue ?? ""
        let audio: AudioInfo
        if let query = Synthetic.query(inURL: url, port: state.port) {
            switch Synthetic.audio(query) {
            case .success(let a): audio = a
            case .failure(let error): return .failed(error.message)
            }
        } else {
            if let id = state.uploads.uploadID(inURL: url, port: state.port), state.uploads.wasDiscarded(id) {
                return .failed(UploadStore.discardedMessage)
            }
            guard let id = state.uploads.uploadID(inURL: url, port: state.port),
                  let path = state.uploads.path(for: id), FileManager.default.fileExists(atPath: path) else {
                return .failed("Download error, unable to download \(url). Please make sure the file exists and is accessible from the internet.")
            }
            do {
                audio = try WAVReader.read(path: path)
            } catch {
                return .failed((error as? AudioReadError)?.message ?? WAVReader.notAudio(kind: "application/octet-stream (data)"))
            }
        }
        let options = TextOptions(
            punctuate: request["punctuate"]?.boolValue ?? true,
            formatText: request["format_text"]?.boolValue ?? true,
            startMs: request["audio_start_from"]?.intValue,
            endMs: request["audio_end_at"]?.intValue
        )
        let content = TranscriptContent.build(AudioText.recognize(audio, options: options), request: request)
        if let language = content.language, let threshold = request["language_confidence_threshold"]?.doubleValue,
           language.confidence < threshold {
            return .failed("detected language '\(language.code)', confidence \(language.confidence), is below the requested confidence threshold value of '\(threshold)'")
        }
        return .recognized(content)
    }

    /// The upload a transcript's audio_url names, if it is one of ours.
    static func uploadID(of job: TranscriptJob, state: ServerState) -> String? {
        job.request["audio_url"]?.stringValue.flatMap { state.uploads.uploadID(inURL: $0, port: state.port) }
    }
}
