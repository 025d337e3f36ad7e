import AssemblyAI
import CAssemblyAI

/// A C callback and its user data, carried into Swift closures. The caller promises the user data
/// stays valid while the callback is registered; nothing here touches it but the callback.
struct CCallback<F>: @unchecked Sendable {
    let function: F
    let userData: UnsafeMutableRawPointer?
}

@_cdecl("aai_transcriber_new")
public func aai_transcriber_new_impl(_ client: OpaquePointer?, _ config: OpaquePointer?,
                                     _ outTranscriber: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outTranscriber, "out")
        let client = try resolve(client, Client.self, "client")
        let config = try configSnapshot(config) ?? TranscriptionConfig()
        target.pointee = HandleTable.shared.insert(Transcriber(client: client, config: config))
    }
}

@_cdecl("aai_transcriber_free")
public func aai_transcriber_free_impl(_ t: OpaquePointer?) { HandleTable.shared.remove(t, as: Transcriber.self) }

@_cdecl("aai_transcriber_set_progress_callback")
public func aai_transcriber_set_progress_callback_impl(_ t: OpaquePointer?, _ callback: aai_progress_callback?,
                                                       _ userData: UnsafeMutableRawPointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let transcriber = try resolve(t, Transcriber.self, "transcriber")
        guard let callback else { transcriber.progress = nil; return }
        let cb = CCallback(function: callback, userData: userData)
        transcriber.progress = { sent, total in cb.function(sent, total, cb.userData) == 0 }
    }
}

// MARK: Upload

private func upload(_ t: OpaquePointer?, _ outURL: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                    _ source: () throws(AssemblyAIError) -> UploadSource) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outURL, "upload_url")
        let transcriber = try resolve(t, Transcriber.self, "transcriber")
        target.pointee = try ownedCString(try transcriber.upload(try source()))
    }
}

func bytesSource(_ data: UnsafeRawPointer?, _ size: Int) throws(AssemblyAIError) -> UploadSource {
    guard data != nil || size == 0 else { throw AssemblyAIError(.invalidArgument, "data is NULL") }
    guard size > 0 else { throw AssemblyAIError(.invalidArgument, "data is empty (size 0)") }
    return .memory(UnsafeRawBufferPointer(start: data, count: size))
}

@_cdecl("aai_transcriber_upload_file")
public func aai_transcriber_upload_file_impl(_ t: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                                             _ outURL: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    upload(t, outURL) { () throws(AssemblyAIError) in .file(path: try string(path, "path")) }
}

@_cdecl("aai_transcriber_upload_bytes")
public func aai_transcriber_upload_bytes_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int,
                                              _ outURL: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    upload(t, outURL) { () throws(AssemblyAIError) in try bytesSource(data, size) }
}

@_cdecl("aai_transcriber_upload_stream")
public func aai_transcriber_upload_stream_impl(_ t: OpaquePointer?, _ read: aai_read_callback?, _ userData: UnsafeMutableRawPointer?,
                                               _ totalSize: UInt64,
                                               _ outURL: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    upload(t, outURL) { () throws(AssemblyAIError) in
        guard let read else { throw AssemblyAIError(.invalidArgument, "read callback is NULL") }
        let cb = CCallback(function: read, userData: userData)
        return .stream(read: { buffer in Int(cb.function(buffer.baseAddress, buffer.count, cb.userData)) },
                       totalSize: totalSize > 0 ? totalSize : nil)
    }
}

// MARK: Submit, transcribe, wait, get, delete

/// Runs a call that yields a transcript. A failure that carries a transcript (a failed transcript,
/// a wait that timed out) still hands it to the caller, so the id is never lost.
private func transcriptCall(_ t: OpaquePointer?, _ outTranscript: UnsafeMutablePointer<OpaquePointer?>?, optionalOut: Bool = false,
                            _ body: (Transcriber) throws(AssemblyAIError) -> Transcript) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        if !optionalOut { _ = try out(outTranscript, "out") }
        let transcriber = try resolve(t, Transcriber.self, "transcriber")
        do throws(AssemblyAIError) {
            let result = try body(transcriber)
            outTranscript?.pointee = transcriptHandle(result)
        } catch {
            if let partial = error.transcript { outTranscript?.pointee = transcriptHandle(partial) }
            throw error
        }
    }
}

@_cdecl("aai_transcriber_submit_url")
public func aai_transcriber_submit_url_impl(_ t: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                            _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.submit(audioURL: try string(url, "audio_url"), config: try configSnapshot(config))
    }
}

@_cdecl("aai_transcriber_submit_file")
public func aai_transcriber_submit_file_impl(_ t: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                             _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.submit(.file(path: try string(path, "path")), config: try configSnapshot(config))
    }
}

@_cdecl("aai_transcriber_submit_bytes")
public func aai_transcriber_submit_bytes_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int, _ config: OpaquePointer?,
                                              _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.submit(try bytesSource(data, size), config: try configSnapshot(config))
    }
}

@_cdecl("aai_transcriber_transcribe_url")
public func aai_transcriber_transcribe_url_impl(_ t: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                                _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.transcribe(audioURL: try string(url, "audio_url"), config: try configSnapshot(config))
    }
}

@_cdecl("aai_transcriber_transcribe_file")
public func aai_transcriber_transcribe_file_impl(_ t: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                                 _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.transcribe(.file(path: try string(path, "path")), config: try configSnapshot(config))
    }
}

@_cdecl("aai_transcriber_transcribe_bytes")
public func aai_transcriber_transcribe_bytes_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int, _ config: OpaquePointer?,
                                                  _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.transcribe(try bytesSource(data, size), config: try configSnapshot(config))
    }
}

@_cdecl("aai_transcriber_wait")
public func aai_transcriber_wait_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                      _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in try tr.wait(id: try string(id, "transcript_id")) }
}

@_cdecl("aai_transcriber_get")
public func aai_transcriber_get_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                     _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o) { (tr: Transcriber) throws(AssemblyAIError) in try tr.get(id: try string(id, "transcript_id")) }
}

@_cdecl("aai_transcriber_delete")
public func aai_transcriber_delete_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                        _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    transcriptCall(t, o, optionalOut: true) { (tr: Transcriber) throws(AssemblyAIError) in
        try tr.delete(id: try string(id, "transcript_id"))
    }
}
