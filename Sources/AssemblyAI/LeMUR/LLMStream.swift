extension LLMStreamAssembler {
    /// The assembled response, for ``LLMResponse`` and the C ABI's response handle.
    public func response() throws(AssemblyAIError) -> JSONResponse {
        var bytes = json.serializedBytes()
        bytes.append(0)
        do { return JSONResponse(document: try JSONDocument(nulTerminated: bytes)) } catch {
            throw AssemblyAIError(.proto, "could not assemble the streamed answer: \(error)")
        }
    }
}

extension LLMGateway {
    /// Sends a chat completion with `"stream": true` and hands each delta to `onDelta` on the
    /// calling thread as it arrives (return false to stop: the call then throws
    /// ``ErrorCode/cancelled``). Returns the assembled response once `data: [DONE]` arrived.
    ///
    /// Retries: a 429 before anything streamed is retried (honouring Retry-After, up to the
    /// client's retry count), as every create is; nothing else is, since the server may have
    /// received the request. A stream cut or ended without `[DONE]` is ``ErrorCode/connection``
    /// (HTTP status 200), a malformed event ``ErrorCode/proto``; the deltas delivered before stay
    /// delivered and none is delivered twice. A 200 answer that is plain JSON (a model that does
    /// not stream) is delivered as one delta per choice.
    public func chatCompletionStream(_ request: LLMRequest,
                                     onDelta: @escaping (LLMStreamDelta) -> Bool) throws(AssemblyAIError) -> JSONResponse {
        var fields = try request.validated()
        fields["stream"] = .bool(true)
        let settings = client.settings
        let path = "/v1/chat/completions"
        let what = "POST \(path)"
        let base = try Settings.validatedBaseURL(settings.resolvedLLMGatewayBaseURL)
        let body = JSONValue.object(fields).serializedBytes()
        let mayHave = " (the server may have received the request: check before sending it again)"
        var attempt = 0
        while true {
            try CancellationToken.checkCurrent(what)
            var reader = LLMStreamReader()
            var assembler = LLMStreamAssembler()
            var eventStream = true
            var plain: [UInt8] = []
            var failure: AssemblyAIError?
            let outcome: TTSTransfer.Outcome
            do throws(AssemblyAIError) {
                outcome = try TTSTransfer.post(
                    url: base + path, what: what, body: body, settings: settings, accept: "text/event-stream",
                    connectTimeoutMs: settings.httpTimeoutMs, readTimeoutMs: settings.llmTimeoutMs,
                    cutNote: "the stream was cut before it ended",
                    onHead: { head in
                        eventStream = (head.headers["content-type"] ?? "").lowercased().hasPrefix("text/event-stream")
                        return true
                    },
                    onBody: { piece in
                        guard eventStream else {
                            if plain.count + piece.count > 64 << 20 {
                                failure = AssemblyAIError(.proto, "\(what): a JSON answer over 64 MiB")
                                return false
                            }
                            plain.append(contentsOf: piece)
                            return true
                        }
                        // The deltas before a malformed event are delivered, then the failure.
                        let arrived = monotonicNs()  // libcurl has just handed these bytes over
                        let (deltas, problem) = reader.read(piece)
                        for var d in deltas {
                            d.receivedNs = arrived
                            assembler.add(d)
                            if !onDelta(d) { return false }
                        }
                        if let problem {
                            failure = problem
                            return false
                        }
                        return true
                    })
            } catch {
                if var f = failure {
                    f.httpStatus = 200  // the answer was a 200; its body failed
                    f.message = "\(what): \(f.message) after \(assembler.count) deltas"
                        + (f.code == .proto ? " (the server received the request and may have acted on it)" : "")
                    throw f.redacting(settings.apiKey)
                }
                var e = error
                if e.code == .connection || e.code == .timeout {
                    if e.httpStatus == 200 { e.message += " \(assembler.count) deltas had arrived." }
                    e.message += mayHave
                }
                throw e
            }
            if outcome.status == 200 {
                if !eventStream {
                    let text = String(decoding: plain, as: UTF8.self)
                    plain.append(0)
                    let document: JSONDocument
                    do { document = try JSONDocument(nulTerminated: plain) } catch {
                        throw AssemblyAIError(.proto, "malformed JSON in the answer to \(what): \(error)"
                                              + " (the server received the request and may have acted on it)", httpStatus: 200)
                    }
                    for d in (try? LLMStreamDelta.decode(chunk: text)) ?? [] {
                        if !onDelta(d) { throw AssemblyAIError(.cancelled, "\(what): stopped by the callback") }
                    }
                    return JSONResponse(document: document)
                }
                guard reader.done else {
                    throw AssemblyAIError(.connection, "\(what): connection ended before the stream's data: [DONE] after "
                                          + "\(assembler.count) deltas: the answer is incomplete.\(mayHave)", httpStatus: 200)
                }
                return try assembler.response()
            }
            let response = HTTPResponse(status: outcome.status, body: outcome.errorBody,
                                        retryAfterMs: outcome.headers["retry-after"].flatMap { Int($0) }.map { $0 * 1000 })
            var error = HTTPClient.httpError(response, request: HTTPRequest(method: .post, path: path))
            guard outcome.status == 429, attempt < settings.maxRetries else {
                if outcome.status >= 500 { error.message += mayHave }
                throw error.redacting(settings.apiKey)
            }
            HTTPClient.backoff(attempt: attempt, settings: settings, retryAfterMs: response.retryAfterMs)
            attempt += 1
        }
    }
}

extension LLMGateway {
    /// Runs ``chatCompletionStream(_:onDelta:)`` as one job on the library's worker pool and
    /// returns at once. `onDelta` and `onComplete` run on the worker thread; ``FutureBase/cancel()``
    /// stops the stream (at the next piece, or within about a second while nothing arrives) and
    /// returns at once. A request with neither messages nor prompt is refused here.
    public func chatCompletionStreamAsync(_ request: LLMRequest,
                                          onDelta: @escaping @Sendable (LLMStreamDelta) -> Bool,
                                          onComplete: CompletionHandler<JSONResponse>? = nil) throws(AssemblyAIError) -> Future<JSONResponse> {
        _ = try request.validated()
        let future = Future<JSONResponse>(onComplete: onComplete)
        let what = "POST /v1/chat/completions"
        future.onCancel { future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was cancelled")) }
        let job = WorkerPool.Job(token: future.token) { [self] in
            guard !future.isFinished else { return }
            do throws(AssemblyAIError) {
                future.finish(try chatCompletionStream(request, onDelta: onDelta), failure: nil)
            } catch {
                future.finish(nil, failure: error)
            }
        }
        if !WorkerPool.shared.submit(job) {
            future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was not started: the process is exiting"))
        }
        return future
    }
}

extension LLMGateway {
    /// ``chatCompletion(_:)`` as one job on the library's worker pool: returns at once; the
    /// future's value is the response. ``FutureBase/cancel()`` returns at once. A request with
    /// neither messages nor prompt, or with `"stream": true`, is refused here.
    public func chatCompletionAsync(_ request: LLMRequest,
                                    onComplete: CompletionHandler<JSONResponse>? = nil) throws(AssemblyAIError) -> Future<JSONResponse> {
        let fields = try request.validated()
        if fields["stream"]?.boolValue == true {
            throw .invalidArgument("\"stream\": true needs the streaming call (aai_llm_chat_completion_stream_async, chatCompletionStreamAsync)")
        }
        let future = Future<JSONResponse>(onComplete: onComplete)
        let what = "POST /v1/chat/completions"
        future.onCancel { future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was cancelled")) }
        let job = WorkerPool.Job(token: future.token) { [self] in
            guard !future.isFinished else { return }
            do throws(AssemblyAIError) {
                future.finish(try chatCompletion(request), failure: nil)
            } catch {
                future.finish(nil, failure: error)
            }
        }
        if !WorkerPool.shared.submit(job) {
            future.finish(nil, failure: AssemblyAIError(.cancelled, "\(what) was not started: the process is exiting"))
        }
        return future
    }
}

