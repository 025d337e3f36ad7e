import AssemblyAI
import CAssemblyAI
import Glibc

// Non-blocking calls, groups and webhooks (the header's "async" section). The operations
// themselves live in the core (Sources/AssemblyAI/Transcripts, Sources/AssemblyAI/Concurrency); this file converts,
// checks and maps.

/// A future behind a C handle: any core future (`Future<Transcript>`, `Future<TranscriptGroup>`,
/// `Future<TranscriptListPage>`); a further kind needs only its own `aai_future_<kind>` reader.
final class CFuture: Sendable {
    let core: FutureBase
    init(_ core: FutureBase) { self.core = core }
}

/// A group behind a C handle, with its items' error messages as C strings it owns.
final class CGroup: @unchecked Sendable {  // immutable after init
    let core: TranscriptGroup
    private let errors: [UnsafeMutablePointer<CChar>?]

    init(_ core: TranscriptGroup) {
        self.core = core
        errors = core.items.map { item in item.failure.flatMap { strdup($0.message) } }
    }

    deinit { for case let p? in errors { free(p) } }

    func error(at index: Int) -> UnsafePointer<CChar>? { errors[index].map { UnsafePointer($0) } }
}

private func statusCode(_ error: AssemblyAIError?) -> aai_status {
    guard let error else { return AAI_OK }
    return aai_status(rawValue: UInt32(bitPattern: error.code.rawValue))
}

private func transcriptStatus(_ status: TranscriptStatus) -> aai_transcript_status {
    switch status {
    case .queued: return AAI_TRANSCRIPT_QUEUED
    case .processing: return AAI_TRANSCRIPT_PROCESSING
    case .completed: return AAI_TRANSCRIPT_COMPLETED
    case .error: return AAI_TRANSCRIPT_ERROR
    case .other: return AAI_TRANSCRIPT_UNKNOWN
    }
}

/// The C callback as a core completion handler. It waits on `latch` for the future's handle,
/// which the starting call publishes right after it made the handle. Before the call, the
/// failure is recorded as the worker thread's last error, so the callback can read it.
private func completion<Value>(_ callback: aai_future_callback?, _ userData: UnsafeMutableRawPointer?,
                               _ latch: Latch<UInt>) -> CompletionHandler<Value>? {
    guard let callback else { return nil }
    let cb = CCallback(function: callback, userData: userData)
    return { future in
        let handle = OpaquePointer(bitPattern: latch.wait())
        let failure = future.failure
        if let failure { currentErrorSlot().set(failure) }
        cb.function(handle, statusCode(failure), cb.userData)
    }
}

/// Starts an operation and hands its future to the caller.
private func startFuture<Value>(_ outFuture: UnsafeMutablePointer<OpaquePointer?>?, _ callback: aai_future_callback?,
                                _ userData: UnsafeMutableRawPointer?,
                                _ start: (CompletionHandler<Value>?) throws(AssemblyAIError) -> Future<Value>) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outFuture, "out")
        let latch = Latch<UInt>()
        let future = try start(completion(callback, userData, latch))
        let handle = HandleTable.shared.insert(CFuture(future))
        target.pointee = handle
        latch.set(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))))
    }
}

/// A byte range the caller gives, copied (the operation outlives the call).
private func copiedBytes(_ data: UnsafeRawPointer?, _ size: Int) throws(AssemblyAIError) -> AudioInput {
    guard data != nil || size == 0 else { throw AssemblyAIError(.invalidArgument, "data is NULL") }
    guard size > 0, let data else { throw AssemblyAIError(.invalidArgument, "data is empty (size 0)") }
    return .bytes(Array(UnsafeRawBufferPointer(start: data, count: size)))
}

// MARK: Non-blocking transcript calls

/// What a non-blocking audio call does: submit only, or submit then wait.
private enum AudioCall { case submit, transcribe }

/// Starts a submit or transcribe of the audio `audio` reads from the arguments (checked after
/// the transcriber, before the config).
private func startAudio(_ t: OpaquePointer?, _ config: OpaquePointer?, _ call: AudioCall, _ cb: aai_future_callback?,
                        _ ud: UnsafeMutableRawPointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?,
                        _ audio: () throws(AssemblyAIError) -> AudioInput) -> aai_status {
    startFuture(o, cb, ud) { (done: CompletionHandler<Transcript>?) throws(AssemblyAIError) in
        let tr = try resolve(t, Transcriber.self, "transcriber")
        let input = try audio()
        let snapshot = try configSnapshot(config)
        switch call {
        case .submit: return try tr.submitAsync(input, config: snapshot, onComplete: done)
        case .transcribe: return try tr.transcribeAsync(input, config: snapshot, onComplete: done)
        }
    }
}

@_cdecl("aai_transcriber_submit_url_async")
public func aai_transcriber_submit_url_async_impl(_ t: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                                  _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                  _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startAudio(t, config, .submit, cb, ud, o) { () throws(AssemblyAIError) in .url(try string(url, "audio_url")) }
}

@_cdecl("aai_transcriber_submit_file_async")
public func aai_transcriber_submit_file_async_impl(_ t: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                                   _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                   _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startAudio(t, config, .submit, cb, ud, o) { () throws(AssemblyAIError) in .file(path: try string(path, "path")) }
}

@_cdecl("aai_transcriber_submit_bytes_async")
public func aai_transcriber_submit_bytes_async_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int, _ config: OpaquePointer?,
                                                    _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                    _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startAudio(t, config, .submit, cb, ud, o) { () throws(AssemblyAIError) in try copiedBytes(data, size) }
}

@_cdecl("aai_transcriber_transcribe_url_async")
public func aai_transcriber_transcribe_url_async_impl(_ t: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                                      _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                      _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startAudio(t, config, .transcribe, cb, ud, o) { () throws(AssemblyAIError) in .url(try string(url, "audio_url")) }
}

@_cdecl("aai_transcriber_transcribe_file_async")
public func aai_transcriber_transcribe_file_async_impl(_ t: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ config: OpaquePointer?,
                                                       _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                       _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startAudio(t, config, .transcribe, cb, ud, o) { () throws(AssemblyAIError) in .file(path: try string(path, "path")) }
}

@_cdecl("aai_transcriber_transcribe_bytes_async")
public func aai_transcriber_transcribe_bytes_async_impl(_ t: OpaquePointer?, _ data: UnsafeRawPointer?, _ size: Int, _ config: OpaquePointer?,
                                                        _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                        _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startAudio(t, config, .transcribe, cb, ud, o) { () throws(AssemblyAIError) in try copiedBytes(data, size) }
}

@_cdecl("aai_transcriber_wait_async")
public func aai_transcriber_wait_async_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                            _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                            _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startFuture(o, cb, ud) { (done: CompletionHandler<Transcript>?) throws(AssemblyAIError) in
        let tr = try resolve(t, Transcriber.self, "transcriber")
        return try tr.waitAsync(id: try string(id, "transcript_id"), onComplete: done)
    }
}

@_cdecl("aai_transcriber_get_async")
public func aai_transcriber_get_async_impl(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                                           _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                           _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startFuture(o, cb, ud) { (done: CompletionHandler<Transcript>?) throws(AssemblyAIError) in
        let tr = try resolve(t, Transcriber.self, "transcriber")
        return try tr.getAsync(id: try string(id, "transcript_id"), onComplete: done)
    }
}

@_cdecl("aai_transcriber_list_async")
public func aai_transcriber_list_async_impl(_ t: OpaquePointer?, _ limit: Int32, _ status: UnsafePointer<CChar>?,
                                            _ createdOn: UnsafePointer<CChar>?, _ beforeId: UnsafePointer<CChar>?,
                                            _ afterId: UnsafePointer<CChar>?, _ throttledOnly: Int32,
                                            _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                            _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startFuture(o, cb, ud) { (done: CompletionHandler<TranscriptListPage>?) throws(AssemblyAIError) in
        let tr = try resolve(t, Transcriber.self, "transcriber")
        guard limit >= 0 else { throw AssemblyAIError(.invalidArgument, "list limit must be 0 (default) or 1..200, got \(limit)") }
        return tr.listAsync(limit: limit == 0 ? nil : Int(limit), status: try optionalString(status, "status"),
                            createdOn: try optionalString(createdOn, "created_on"), beforeId: try optionalString(beforeId, "before_id"),
                            afterId: try optionalString(afterId, "after_id"), throttledOnly: throttledOnly < 0 ? nil : throttledOnly != 0,
                            onComplete: done)
    }
}

// MARK: Futures

@_cdecl("aai_future_wait")
public func aai_future_wait_impl(_ f: OpaquePointer?, _ timeoutMs: Int, _ result: UnsafeMutablePointer<aai_status>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let future = try resolve(f, CFuture.self, "future")
        guard future.core.wait(timeoutMs: timeoutMs < 0 ? nil : timeoutMs) else {
            throw AssemblyAIError(.timeout, "the operation is still running after \(timeoutMs) ms")
        }
        result?.pointee = statusCode(future.core.failure)
    }
}

@_cdecl("aai_future_cancel")
public func aai_future_cancel_impl(_ f: OpaquePointer?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(f, CFuture.self, "future").core.cancel() }
}

@_cdecl("aai_future_free")
public func aai_future_free_impl(_ f: OpaquePointer?) {
    guard let future = HandleTable.shared.remove(f, as: CFuture.self) else { return }
    future.core.detachCompletionHandler()
    future.core.cancel()
}

/// The finished future of the expected kind, or the ABI's error for it.
private func finished<Value>(_ f: OpaquePointer?, _ type: Value.Type, _ kind: String) throws(AssemblyAIError) -> Future<Value> {
    let future = try resolve(f, CFuture.self, "future")
    guard let typed = future.core as? Future<Value> else {
        throw AssemblyAIError(.invalidArgument, "the future is not \(kind)")
    }
    guard typed.isFinished else { throw AssemblyAIError(.state, "the operation is still running: wait for it first") }
    return typed
}

@_cdecl("aai_future_transcript")
public func aai_future_transcript_impl(_ f: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let future = try finished(f, Transcript.self, "a transcript operation (a group's result is read with aai_future_group)")
        if let transcript = future.value { target.pointee = transcriptHandle(transcript) }
        if let failure = future.failure { throw failure }
    }
}

@_cdecl("aai_future_transcript_list")
public func aai_future_transcript_list_impl(_ f: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let future = try finished(f, TranscriptListPage.self, "a list operation")
        if let failure = future.failure { throw failure }
        guard let page = future.value else { throw AssemblyAIError(.internal, "a finished list operation has no page") }
        target.pointee = HandleTable.shared.insert(CTranscriptList(page.response))
    }
}

// MARK: Groups

/// Waits for a group operation on this thread and hands over its group, also with a failure.
private func groupResult(_ future: Future<TranscriptGroup>, _ target: UnsafeMutablePointer<OpaquePointer?>) throws(AssemblyAIError) {
    future.wait()
    if let group = future.value { target.pointee = HandleTable.shared.insert(CGroup(group)) }
    if let failure = future.failure { throw failure }
}

private func groupConcurrency(_ value: Int32) throws(AssemblyAIError) -> Int {
    guard value >= 0 else { throw AssemblyAIError(.invalidArgument, "max_concurrency must be 0 (the default) or more, got \(value)") }
    return value == 0 ? Transcriber.defaultGroupConcurrency : Int(value)
}

/// Starts a group of URLs or files: submit only, or transcribe.
private func startGroup(_ t: OpaquePointer?, _ audio: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                        _ config: OpaquePointer?, _ maxConcurrency: Int32, _ returnFailures: Int32, _ call: AudioCall,
                        _ done: CompletionHandler<TranscriptGroup>?) throws(AssemblyAIError) -> Future<TranscriptGroup> {
    let tr = try resolve(t, Transcriber.self, "transcriber")
    let inputs = try strings(audio, count, "audio").map(AudioInput.init(urlOrPath:))
    let snapshot = try configSnapshot(config)
    let concurrency = try groupConcurrency(maxConcurrency)
    switch call {
    case .submit:
        return try tr.submitGroupAsync(inputs, config: snapshot, maxConcurrency: concurrency,
                                       returnFailures: returnFailures != 0, onComplete: done)
    case .transcribe:
        return try tr.transcribeGroupAsync(inputs, config: snapshot, maxConcurrency: concurrency,
                                           returnFailures: returnFailures != 0, onComplete: done)
    }
}

@_cdecl("aai_transcriber_transcribe_group")
public func aai_transcriber_transcribe_group_impl(_ t: OpaquePointer?, _ audio: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                                  _ config: OpaquePointer?, _ maxConcurrency: Int32, _ returnFailures: Int32,
                                                  _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        try groupResult(startGroup(t, audio, count, config, maxConcurrency, returnFailures, .transcribe, nil), target)
    }
}

@_cdecl("aai_transcriber_submit_group")
public func aai_transcriber_submit_group_impl(_ t: OpaquePointer?, _ audio: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                              _ config: OpaquePointer?, _ maxConcurrency: Int32, _ returnFailures: Int32,
                                              _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        try groupResult(startGroup(t, audio, count, config, maxConcurrency, returnFailures, .submit, nil), target)
    }
}

@_cdecl("aai_transcriber_transcribe_group_async")
public func aai_transcriber_transcribe_group_async_impl(_ t: OpaquePointer?, _ audio: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                                        _ config: OpaquePointer?, _ maxConcurrency: Int32, _ returnFailures: Int32,
                                                        _ cb: aai_future_callback?, _ ud: UnsafeMutableRawPointer?,
                                                        _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    startFuture(o, cb, ud) { (done: CompletionHandler<TranscriptGroup>?) throws(AssemblyAIError) in
        try startGroup(t, audio, count, config, maxConcurrency, returnFailures, .transcribe, done)
    }
}

@_cdecl("aai_future_group")
public func aai_future_group_impl(_ f: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let future = try finished(f, TranscriptGroup.self, "a group operation (use aai_future_transcript)")
        try groupResult(future, target)
    }
}

@_cdecl("aai_transcriber_group_from_ids")
public func aai_transcriber_group_from_ids_impl(_ t: OpaquePointer?, _ ids: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                                _ returnFailures: Int32, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let tr = try resolve(t, Transcriber.self, "transcriber")
        let ids = try strings(ids, count, "transcript_ids")
        try groupResult(tr.groupAsync(ids: ids, returnFailures: returnFailures != 0), target)
    }
}

/// Runs `operation` on an existing group on this thread and hands over the new group.
private func onGroup(_ t: OpaquePointer?, _ g: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?,
                     _ operation: (Transcriber, TranscriptGroup) -> Future<TranscriptGroup>) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let tr = try resolve(t, Transcriber.self, "transcriber")
        let group = try resolve(g, CGroup.self, "group")
        try groupResult(operation(tr, group.core), target)
    }
}

@_cdecl("aai_transcriber_group_refresh")
public func aai_transcriber_group_refresh_impl(_ t: OpaquePointer?, _ g: OpaquePointer?, _ returnFailures: Int32,
                                               _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    onGroup(t, g, o) { tr, group in tr.refreshAsync(group, returnFailures: returnFailures != 0) }
}

@_cdecl("aai_transcriber_group_wait")
public func aai_transcriber_group_wait_impl(_ t: OpaquePointer?, _ g: OpaquePointer?, _ returnFailures: Int32,
                                            _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    onGroup(t, g, o) { tr, group in tr.waitAsync(for: group, returnFailures: returnFailures != 0) }
}

@_cdecl("aai_transcript_group_free")
public func aai_transcript_group_free_impl(_ g: OpaquePointer?) { HandleTable.shared.remove(g, as: CGroup.self) }

private func lookupGroup(_ g: OpaquePointer?) -> CGroup? { resolveInGetter(g, CGroup.self, "group") }

@_cdecl("aai_transcript_group_count")
public func aai_transcript_group_count_impl(_ g: OpaquePointer?) -> Int { lookupGroup(g)?.core.items.count ?? 0 }

@_cdecl("aai_transcript_group_status")
public func aai_transcript_group_status_impl(_ g: OpaquePointer?) -> aai_transcript_status {
    guard let group = lookupGroup(g) else { return AAI_TRANSCRIPT_UNKNOWN }
    return transcriptStatus(group.core.status)
}

@_cdecl("aai_transcript_group_item")
public func aai_transcript_group_item_impl(_ g: OpaquePointer?, _ index: Int, _ outTranscript: UnsafeMutablePointer<OpaquePointer?>?,
                                           _ outStatus: UnsafeMutablePointer<aai_status>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let group = try resolve(g, CGroup.self, "group")
        let items = group.core.items
        guard index >= 0, index < items.count else {
            throw AssemblyAIError(.invalidArgument, "index \(index) is out of range (the group has \(items.count) items)")
        }
        let item = items[index]
        outTranscript?.pointee = item.transcript.map(transcriptHandle)
        outStatus?.pointee = statusCode(item.failure)
    }
}

@_cdecl("aai_transcript_group_item_error")
public func aai_transcript_group_item_error_impl(_ g: OpaquePointer?, _ index: Int) -> UnsafePointer<CChar>? {
    guard let group = lookupGroup(g) else { return nil }
    guard index >= 0, index < group.core.items.count else {
        recordGetterError(AssemblyAIError(.invalidArgument, "index \(index) is out of range (the group has \(group.core.items.count) items)"))
        return nil
    }
    return group.error(at: index)
}

// MARK: Webhooks

private func webhookInput(_ body: UnsafePointer<CChar>?, _ length: Int, _ received: UnsafePointer<CChar>?,
                          _ expected: UnsafePointer<CChar>?) throws(AssemblyAIError) -> (body: [UInt8], received: [UInt8]?, expected: [UInt8]?) {
    guard let body else { throw AssemblyAIError(.invalidArgument, "body is NULL") }
    func bytes(_ s: UnsafePointer<CChar>?) -> [UInt8]? {
        s.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) }
    }
    return (Array(UnsafeRawBufferPointer(start: body, count: length)), bytes(received), bytes(expected))
}

@_cdecl("aai_webhook_parse")
public func aai_webhook_parse_impl(_ body: UnsafePointer<CChar>?, _ length: Int, _ received: UnsafePointer<CChar>?,
                                   _ expected: UnsafePointer<CChar>?, _ outID: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                   _ outStatus: UnsafeMutablePointer<aai_transcript_status>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let idTarget = try out(outID, "transcript_id")
        let statusTarget = try out(outStatus, "status")
        let input = try webhookInput(body, length, received, expected)
        let notification = try Webhook.parseTranscriptReady(input.body, receivedAuth: input.received, expectedAuth: input.expected)
        idTarget.pointee = try ownedCString(notification.transcriptID)
        statusTarget.pointee = transcriptStatus(notification.status)
    }
}

@_cdecl("aai_webhook_parse_redacted_audio")
public func aai_webhook_parse_redacted_audio_impl(_ body: UnsafePointer<CChar>?, _ length: Int, _ received: UnsafePointer<CChar>?,
                                                  _ expected: UnsafePointer<CChar>?,
                                                  _ outURL: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(outURL, "redacted_audio_url")
        let input = try webhookInput(body, length, received, expected)
        let notification = try Webhook.parseRedactedAudio(input.body, receivedAuth: input.received, expectedAuth: input.expected)
        target.pointee = try ownedCString(notification.redactedAudioURL)
    }
}
