// From a transcript request to its outcome: find the audio, read it, recognise it.
// Only this server's own uploads can be fetched; any other URL fails the way an unreachable
// URL fails on the real API.

import Foundation

enum Transcription {
    static func outcome(for request: [String: JSON], state: ServerState) -> TranscriptJob.Outcome {
        let url = request["audio_url"]?.stringValue ?? ""
        guard let id = state.uploads.uploadID(inURL: url, port: state.port),
              let path = state.uploads.path(for: id), FileManager.default.fileExists(atPath: path) else {
            return .failed("Download error, unable to download \(url). Please make sure the file exists and is accessible from the internet.")
        }
        let audio: AudioInfo
        do {
            audio = try WAVReader.read(path: path)
        } catch {
            return .failed((error as? AudioReadError)?.message ?? WAVReader.notAudio(kind: "application/octet-stream (data)"))
        }
        let options = TextOptions(
            punctuate: request["punctuate"]?.boolValue ?? true,
            formatText: request["format_text"]?.boolValue ?? true,
            startMs: request["audio_start_from"]?.intValue,
            endMs: request["audio_end_at"]?.intValue
        )
        return .recognized(AudioText.recognize(audio, options: options))
    }

    /// The upload a transcript's audio_url names, if it is one of ours.
    static func uploadID(of job: TranscriptJob, state: ServerState) -> String? {
        job.request["audio_url"]?.stringValue.flatMap { state.uploads.uploadID(inURL: $0, port: state.port) }
    }
}
