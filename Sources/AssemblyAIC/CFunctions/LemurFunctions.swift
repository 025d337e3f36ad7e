import AssemblyAI
import CAssemblyAI
import Synchronization

/// LeMUR parameters and LLM Gateway requests behind C handles: mutable, so kept in a lock.
final class LemurParamsBox: Sendable {
    let state = Mutex(LemurParams())
}

final class LLMRequestBox: Sendable {
    let state: Mutex<LLMRequest>
    init(_ request: LLMRequest) { state = Mutex(request) }
}

/// A LeMUR response behind a C handle: the core's ``LemurResponse`` converted once, at creation,
/// into the response's arena (a string the response lacks is NULL, a token count -1).
final class CLemurResponse: CResponse, @unchecked Sendable {
    let requestId, text: UnsafePointer<CChar>?
    let answers: UnsafePointer<aai_lemur_answer>?
    let answerCount: Int
    let inputTokens, outputTokens: Int64

    override init(_ response: JSONResponse, arena: CArena = CArena()) {
        let value = LemurResponse(json: response.json)
        requestId = arena.string(value.requestId)
        text = arena.string(value.text)
        answers = arena.array(value.answers) { aai_lemur_answer(question: arena.string($0.question), answer: arena.string($0.answer)) }
        answerCount = answers == nil ? 0 : value.answers.count
        inputTokens = value.inputTokens ?? -1
        outputTokens = value.outputTokens ?? -1
        super.init(response, arena: arena)
    }
}

/// An LLM Gateway response behind a C handle: the core's ``LLMResponse`` converted once, at
/// creation (a string the response lacks is NULL, a token count -1).
final class CLLMResponse: CResponse, @unchecked Sendable {
    let text, finishReason, requestId: UnsafePointer<CChar>?
    let calls: UnsafePointer<aai_llm_tool_call>?
    let callCount: Int
    let usage: (Int64, Int64, Int64)

    override init(_ response: JSONResponse, arena: CArena = CArena()) {
        let value = LLMResponse(json: response.json)
        text = arena.string(value.text)
        finishReason = arena.string(value.finishReason)
        requestId = arena.string(value.requestId)
        usage = (value.inputTokens ?? -1, value.outputTokens ?? -1, value.totalTokens ?? -1)
        calls = arena.array(value.toolCalls) { c in
            aai_llm_tool_call(id: arena.string(c.id), name: arena.string(c.name), arguments: arena.string(c.arguments))
        }
        callCount = calls == nil ? 0 : value.toolCalls.count
        super.init(response, arena: arena)
    }
}

// MARK: Client settings for LLM calls

@_cdecl("aai_client_set_llm_gateway_base_url")
public func aai_client_set_llm_gateway_base_url_impl(_ client: OpaquePointer?, _ url: UnsafePointer<CChar>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let c = try resolve(client, Client.self, "client")
        let url = try Settings.validatedBaseURL(try string(url, "base_url"))
        try c.updateSettings { $0.llmGatewayBaseURL = url }
    }
}

@_cdecl("aai_client_set_llm_timeout_ms")
public func aai_client_set_llm_timeout_ms_impl(_ client: OpaquePointer?, _ ms: Int) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let c = try resolve(client, Client.self, "client")
        let timeout = try positive(ms, "llm_timeout_ms")
        try c.updateSettings { $0.llmTimeoutMs = timeout }
    }
}

// MARK: LeMUR parameters

private func editParams(_ p: OpaquePointer?, _ change: (inout LemurParams) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try resolve(p, LemurParamsBox.self, "params").state.withLock { (v: inout LemurParams) throws(AssemblyAIError) in
            var copy = v
            try change(&copy)
            v = copy
        }
    }
}

@_cdecl("aai_lemur_params_new")
public func aai_lemur_params_new_impl(_ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try out(o, "out").pointee = HandleTable.shared.insert(LemurParamsBox()) }
}

@_cdecl("aai_lemur_params_free")
public func aai_lemur_params_free_impl(_ p: OpaquePointer?) { HandleTable.shared.remove(p, as: LemurParamsBox.self) }

@_cdecl("aai_lemur_params_add_transcript_id")
public func aai_lemur_params_add_transcript_id_impl(_ p: OpaquePointer?, _ id: UnsafePointer<CChar>?) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in try v.addTranscriptId(try string(id, "transcript_id")) }
}

@_cdecl("aai_lemur_params_set_input_text")
public func aai_lemur_params_set_input_text_impl(_ p: OpaquePointer?, _ t: UnsafePointer<CChar>?) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in v["input_text"] = try optionalString(t, "text").map(JSONValue.string) }
}

@_cdecl("aai_lemur_params_set_context")
public func aai_lemur_params_set_context_impl(_ p: OpaquePointer?, _ t: UnsafePointer<CChar>?) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in v["context"] = try optionalString(t, "context").map(JSONValue.string) }
}

@_cdecl("aai_lemur_params_set_final_model")
public func aai_lemur_params_set_final_model_impl(_ p: OpaquePointer?, _ m: UnsafePointer<CChar>?) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in v["final_model"] = try optionalString(m, "model").map(JSONValue.string) }
}

@_cdecl("aai_lemur_params_set_max_output_size")
public func aai_lemur_params_set_max_output_size_impl(_ p: OpaquePointer?, _ n: Int32) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in try v.setMaxOutputSize(Int(n)) }
}

@_cdecl("aai_lemur_params_set_temperature")
public func aai_lemur_params_set_temperature_impl(_ p: OpaquePointer?, _ t: Double) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in try v.setTemperature(t) }
}

@_cdecl("aai_lemur_params_set_json")
public func aai_lemur_params_set_json_impl(_ p: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    editParams(p) { (v: inout LemurParams) throws(AssemblyAIError) in try v.merge(json: try string(json, "json_object")) }
}

// MARK: LeMUR calls

private func lemurCall(_ client: OpaquePointer?, _ params: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?,
                       _ body: (Lemur, LemurParams) throws(AssemblyAIError) -> JSONResponse) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let lemur = Lemur(client: try resolve(client, Client.self, "client"))
        let snapshot = params == nil ? LemurParams() : try resolve(params, LemurParamsBox.self, "params").state.withLock { $0 }
        target.pointee = HandleTable.shared.insert(CLemurResponse(try body(lemur, snapshot)))
    }
}

@_cdecl("aai_lemur_task")
public func aai_lemur_task_impl(_ c: OpaquePointer?, _ p: OpaquePointer?, _ prompt: UnsafePointer<CChar>?,
                                _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    lemurCall(c, p, o) { (l: Lemur, v: LemurParams) throws(AssemblyAIError) in try l.task(prompt: try string(prompt, "prompt"), params: v) }
}

@_cdecl("aai_lemur_summary")
public func aai_lemur_summary_impl(_ c: OpaquePointer?, _ p: OpaquePointer?, _ format: UnsafePointer<CChar>?,
                                   _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    lemurCall(c, p, o) { (l: Lemur, v: LemurParams) throws(AssemblyAIError) in
        try l.summary(params: v, answerFormat: try optionalString(format, "answer_format"))
    }
}

@_cdecl("aai_lemur_action_items")
public func aai_lemur_action_items_impl(_ c: OpaquePointer?, _ p: OpaquePointer?, _ format: UnsafePointer<CChar>?,
                                        _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    lemurCall(c, p, o) { (l: Lemur, v: LemurParams) throws(AssemblyAIError) in
        try l.actionItems(params: v, answerFormat: try optionalString(format, "answer_format"))
    }
}

@_cdecl("aai_lemur_question_answer")
public func aai_lemur_question_answer_impl(_ c: OpaquePointer?, _ p: OpaquePointer?, _ questions: UnsafePointer<aai_lemur_question>?,
                                           _ count: Int, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    lemurCall(c, p, o) { (l: Lemur, v: LemurParams) throws(AssemblyAIError) in
        guard count > 0, let questions else { throw AssemblyAIError(.invalidArgument, "questions is NULL or empty") }
        var list: [LemurQuestion] = []
        for i in 0..<count {
            let q = questions[i]
            list.append(LemurQuestion(question: try string(q.question, "questions[\(i)].question"),
                                      context: try optionalString(q.context, "questions[\(i)].context"),
                                      answerFormat: try optionalString(q.answer_format, "questions[\(i)].answer_format"),
                                      answerOptions: q.answer_option_count == 0 ? nil
                                          : try strings(q.answer_options, q.answer_option_count, "questions[\(i)].answer_options")))
        }
        return try l.questionAnswer(list, params: v)
    }
}

@_cdecl("aai_lemur_get_response")
public func aai_lemur_get_response_impl(_ c: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    lemurCall(c, nil, o) { (l: Lemur, _: LemurParams) throws(AssemblyAIError) in try l.response(requestId: try string(id, "request_id")) }
}

@_cdecl("aai_lemur_purge_request_data")
public func aai_lemur_purge_request_data_impl(_ c: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ deleted: UnsafeMutablePointer<Int32>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let lemur = Lemur(client: try resolve(c, Client.self, "client"))
        let result = try lemur.purge(requestId: try string(id, "request_id"))
        deleted?.pointee = LemurPurgeResponse(json: result.json).deleted ? 1 : 0
    }
}

private func lemurResponse(_ r: OpaquePointer?) -> CLemurResponse? {
    resolveInGetter(r, CLemurResponse.self, "LeMUR response")
}

@_cdecl("aai_lemur_response_request_id")
public func aai_lemur_response_request_id_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { lemurResponse(r)?.requestId }

@_cdecl("aai_lemur_response_text")
public func aai_lemur_response_text_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { lemurResponse(r)?.text }

@_cdecl("aai_lemur_response_answers")
public func aai_lemur_response_answers_impl(_ r: OpaquePointer?, _ a: UnsafeMutablePointer<UnsafePointer<aai_lemur_answer>?>?,
                                            _ n: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let answers = try out(a, "answers"), count = try out(n, "count")
        let resp = try resolve(r, CLemurResponse.self, "LeMUR response")
        answers.pointee = resp.answers
        count.pointee = resp.answerCount
    }
}

@_cdecl("aai_lemur_response_usage")
public func aai_lemur_response_usage_impl(_ r: OpaquePointer?, _ input: UnsafeMutablePointer<Int64>?, _ output: UnsafeMutablePointer<Int64>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let resp = try resolve(r, CLemurResponse.self, "LeMUR response")
        input?.pointee = resp.inputTokens
        output?.pointee = resp.outputTokens
    }
}

@_cdecl("aai_lemur_response_json")
public func aai_lemur_response_json_impl(_ r: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                         _ length: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(r, CLemurResponse.self, "LeMUR response").json(json, length) }
}

@_cdecl("aai_lemur_response_free")
public func aai_lemur_response_free_impl(_ r: OpaquePointer?) { HandleTable.shared.remove(r, as: CLemurResponse.self) }

// MARK: LLM Gateway

private func editRequest(_ r: OpaquePointer?, _ change: (inout LLMRequest) throws(AssemblyAIError) -> Void) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        try resolve(r, LLMRequestBox.self, "request").state.withLock { (v: inout LLMRequest) throws(AssemblyAIError) in
            var copy = v
            try change(&copy)
            v = copy
        }
    }
}

@_cdecl("aai_llm_request_new")
public func aai_llm_request_new_impl(_ model: UnsafePointer<CChar>?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        target.pointee = HandleTable.shared.insert(LLMRequestBox(try LLMRequest(model: try string(model, "model"))))
    }
}

@_cdecl("aai_llm_request_free")
public func aai_llm_request_free_impl(_ r: OpaquePointer?) { HandleTable.shared.remove(r, as: LLMRequestBox.self) }

@_cdecl("aai_llm_request_add_message")
public func aai_llm_request_add_message_impl(_ r: OpaquePointer?, _ role: UnsafePointer<CChar>?, _ content: UnsafePointer<CChar>?) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in
        try v.addMessage(role: try string(role, "role"), content: try string(content, "content"))
    }
}

@_cdecl("aai_llm_request_add_tool_result")
public func aai_llm_request_add_tool_result_impl(_ r: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ content: UnsafePointer<CChar>?) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in
        v.addToolResult(toolCallId: try string(id, "tool_call_id"), content: try string(content, "content"))
    }
}

@_cdecl("aai_llm_request_set_prompt")
public func aai_llm_request_set_prompt_impl(_ r: OpaquePointer?, _ prompt: UnsafePointer<CChar>?) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in v.setPrompt(try string(prompt, "prompt")) }
}

@_cdecl("aai_llm_request_set_max_tokens")
public func aai_llm_request_set_max_tokens_impl(_ r: OpaquePointer?, _ n: Int32) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in try v.setMaxTokens(Int(n)) }
}

@_cdecl("aai_llm_request_set_temperature")
public func aai_llm_request_set_temperature_impl(_ r: OpaquePointer?, _ t: Double) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in try v.setTemperature(t) }
}

@_cdecl("aai_llm_request_add_tool")
public func aai_llm_request_add_tool_impl(_ r: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ description: UnsafePointer<CChar>?,
                                          _ schema: UnsafePointer<CChar>?) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in
        try v.addTool(name: try string(name, "name"), description: try optionalString(description, "description"),
                      parametersSchema: try optionalString(schema, "parameters_schema"))
    }
}

@_cdecl("aai_llm_request_add_transcript")
public func aai_llm_request_add_transcript_impl(_ r: OpaquePointer?, _ t: OpaquePointer?, _ withSpeakers: Int32) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in
        try v.addTranscriptContext(try resolve(t, CTranscript.self, "transcript").core, withSpeakers: withSpeakers != 0)
    }
}

@_cdecl("aai_llm_request_set_json")
public func aai_llm_request_set_json_impl(_ r: OpaquePointer?, _ json: UnsafePointer<CChar>?) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in try v.merge(json: try string(json, "json_object")) }
}

@_cdecl("aai_llm_chat_completion")
public func aai_llm_chat_completion_impl(_ c: OpaquePointer?, _ r: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let gateway = LLMGateway(client: try resolve(c, Client.self, "client"))
        let request = try resolve(r, LLMRequestBox.self, "request").state.withLock { $0 }
        target.pointee = HandleTable.shared.insert(CLLMResponse(try gateway.chatCompletion(request)))
    }
}

@_cdecl("aai_llm_understanding")
public func aai_llm_understanding_impl(_ c: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ task: UnsafePointer<CChar>?,
                                       _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let gateway = LLMGateway(client: try resolve(c, Client.self, "client"))
        let response = try gateway.understanding(transcriptId: try string(id, "transcript_id"),
                                                 speechUnderstanding: try string(task, "speech_understanding"))
        target.pointee = HandleTable.shared.insert(CLLMResponse(response))
    }
}

private func llmResponse(_ r: OpaquePointer?) -> CLLMResponse? {
    resolveInGetter(r, CLLMResponse.self, "LLM response")
}

@_cdecl("aai_llm_response_text")
public func aai_llm_response_text_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { llmResponse(r)?.text }

@_cdecl("aai_llm_response_finish_reason")
public func aai_llm_response_finish_reason_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { llmResponse(r)?.finishReason }

@_cdecl("aai_llm_response_request_id")
public func aai_llm_response_request_id_impl(_ r: OpaquePointer?) -> UnsafePointer<CChar>? { llmResponse(r)?.requestId }

@_cdecl("aai_llm_response_tool_calls")
public func aai_llm_response_tool_calls_impl(_ r: OpaquePointer?, _ calls: UnsafeMutablePointer<UnsafePointer<aai_llm_tool_call>?>?,
                                             _ n: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let c = try out(calls, "calls"), count = try out(n, "count")
        let resp = try resolve(r, CLLMResponse.self, "LLM response")
        c.pointee = resp.calls
        count.pointee = resp.callCount
    }
}

@_cdecl("aai_llm_response_usage")
public func aai_llm_response_usage_impl(_ r: OpaquePointer?, _ input: UnsafeMutablePointer<Int64>?, _ output: UnsafeMutablePointer<Int64>?,
                                        _ total: UnsafeMutablePointer<Int64>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let resp = try resolve(r, CLLMResponse.self, "LLM response")
        input?.pointee = resp.usage.0
        output?.pointee = resp.usage.1
        total?.pointee = resp.usage.2
    }
}

@_cdecl("aai_llm_response_json")
public func aai_llm_response_json_impl(_ r: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                       _ length: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(r, CLLMResponse.self, "LLM response").json(json, length) }
}

@_cdecl("aai_llm_response_free")
public func aai_llm_response_free_impl(_ r: OpaquePointer?) { HandleTable.shared.remove(r, as: CLLMResponse.self) }

// MARK: LLM Gateway: structured output and streamed completions

@_cdecl("aai_llm_request_set_response_format_json_schema")
public func aai_llm_request_set_response_format_json_schema_impl(_ r: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                                                 _ schema: UnsafePointer<CChar>?, _ strict: Int32) -> aai_status {
    editRequest(r) { (v: inout LLMRequest) throws(AssemblyAIError) in
        let flag: Bool?
        switch strict {
        case -1: flag = nil
        case 0: flag = false
        case 1: flag = true
        default: throw AssemblyAIError(.invalidArgument, "strict must be 1, 0 or -1 (unset), got \(strict)")
        }
        try v.setResponseFormat(name: try string(name, "name"), schema: try string(schema, "schema_json"), strict: flag)
    }
}

/// Hands stream deltas to a C callback as `aai_llm_stream_event`s (strings in an arena that
/// lives for the one call).
private final class LLMStreamCallback: @unchecked Sendable {  // the caller vouches for user_data
    let function: aai_llm_stream_callback
    let userData: UnsafeMutableRawPointer?

    init(_ function: aai_llm_stream_callback, _ userData: UnsafeMutableRawPointer?) {
        self.function = function
        self.userData = userData
    }

    func deliver(_ d: LLMStreamDelta) -> Bool {
        let arena = CArena()
        let calls = arena.array(d.toolCalls) { c in
            aai_llm_tool_call_delta(index: Int32(clamping: c.index), id: arena.string(c.id), type: arena.string(c.type),
                                    name: arena.string(c.name), arguments: arena.string(c.arguments))
        }
        var event = aai_llm_stream_event(
            choice_index: Int32(clamping: d.choiceIndex), id: arena.string(d.id), model: arena.string(d.model),
            role: arena.string(d.role), content: arena.string(d.content), finish_reason: arena.string(d.finishReason),
            tool_calls: calls, tool_call_count: calls == nil ? 0 : d.toolCalls.count,
            prompt_tokens: d.promptTokens ?? -1, completion_tokens: d.completionTokens ?? -1, total_tokens: d.totalTokens ?? -1,
            chunk_json: arena.string(d.chunkJSON), chunk_index: Int32(clamping: d.chunkIndex), last_in_chunk: d.lastInChunk ? 1 : 0,
            received_ns: d.receivedNs)
        return withExtendedLifetime(arena) { function(&event, userData) == 0 }
    }
}

private func streamSetup(_ c: OpaquePointer?, _ r: OpaquePointer?, _ cb: aai_llm_stream_callback?,
                         _ userData: UnsafeMutableRawPointer?) throws(AssemblyAIError) -> (LLMGateway, LLMRequest, LLMStreamCallback) {
    guard let cb else { throw AssemblyAIError(.invalidArgument, "on_event is NULL") }
    let gateway = LLMGateway(client: try resolve(c, Client.self, "client"))
    let request = try resolve(r, LLMRequestBox.self, "request").state.withLock { $0 }
    return (gateway, request, LLMStreamCallback(cb, userData))
}

@_cdecl("aai_llm_chat_completion_stream")
public func aai_llm_chat_completion_stream_impl(_ c: OpaquePointer?, _ r: OpaquePointer?, _ cb: aai_llm_stream_callback?,
                                                _ userData: UnsafeMutableRawPointer?,
                                                _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        o?.pointee = nil
        let (gateway, request, callback) = try streamSetup(c, r, cb, userData)
        let response = try gateway.chatCompletionStream(request) { callback.deliver($0) }
        o?.pointee = HandleTable.shared.insert(CLLMResponse(response))
    }
}

@_cdecl("aai_llm_chat_completion_stream_async")
public func aai_llm_chat_completion_stream_async_impl(_ c: OpaquePointer?, _ r: OpaquePointer?, _ cb: aai_llm_stream_callback?,
                                                      _ userData: UnsafeMutableRawPointer?, _ callback: aai_future_callback?,
                                                      _ callbackUserData: UnsafeMutableRawPointer?,
                                                      _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let (gateway, request, events) = try streamSetup(c, r, cb, userData)
        let latch = Latch<UInt>()
        var completion: CompletionHandler<JSONResponse>? = nil
        if let callback {
            let done = CCallback(function: callback, userData: callbackUserData)
            completion = { future in
                let handle = OpaquePointer(bitPattern: latch.wait())
                let failure = future.failure
                if let failure { currentErrorSlot().set(failure) }
                done.function(handle, failure.map { aai_status(rawValue: UInt32(bitPattern: $0.code.rawValue)) } ?? AAI_OK, done.userData)
            }
        }
        let future = try gateway.chatCompletionStreamAsync(request, onDelta: { events.deliver($0) }, onComplete: completion)
        let handle = HandleTable.shared.insert(CFuture(future))
        target.pointee = handle
        latch.set(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))))
    }
}

@_cdecl("aai_future_llm_response")
public func aai_future_llm_response_impl(_ f: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        target.pointee = nil
        let box = try resolve(f, CFuture.self, "future")
        guard let future = box.core as? Future<JSONResponse> else {
            throw AssemblyAIError(.invalidArgument, "the future is not an LLM Gateway chat completion")
        }
        guard future.isFinished else { throw AssemblyAIError(.state, "the operation is still running: wait for it first") }
        if let failure = future.failure { throw failure }
        guard let value = future.value else { throw AssemblyAIError(.state, "the operation finished without a response") }
        target.pointee = HandleTable.shared.insert(CLLMResponse(value))
    }
}

@_cdecl("aai_llm_chat_completion_async")
public func aai_llm_chat_completion_async_impl(_ c: OpaquePointer?, _ r: OpaquePointer?, _ callback: aai_future_callback?,
                                               _ userData: UnsafeMutableRawPointer?,
                                               _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let gateway = LLMGateway(client: try resolve(c, Client.self, "client"))
        let request = try resolve(r, LLMRequestBox.self, "request").state.withLock { $0 }
        let latch = Latch<UInt>()
        var completion: CompletionHandler<JSONResponse>? = nil
        if let callback {
            let done = CCallback(function: callback, userData: userData)
            completion = { future in
                let handle = OpaquePointer(bitPattern: latch.wait())
                let failure = future.failure
                if let failure { currentErrorSlot().set(failure) }
                done.function(handle, failure.map { aai_status(rawValue: UInt32(bitPattern: $0.code.rawValue)) } ?? AAI_OK, done.userData)
            }
        }
        let future = try gateway.chatCompletionAsync(request, onComplete: completion)
        let handle = HandleTable.shared.insert(CFuture(future))
        target.pointee = handle
        latch.set(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))))
    }
}


// MARK: LLM Gateway: the models it offers

/// The answer of GET /v1/models behind a C handle: its models as aai_llm_model structs.
final class CLLMModelList: CResponse, @unchecked Sendable {
    let models: UnsafePointer<aai_llm_model>?
    let count: Int

    override init(_ response: JSONResponse, arena: CArena = CArena()) {
        let values = LLMModel.list(json: response.json)
        models = arena.array(values) { m in
            aai_llm_model(id: arena.string(m.id), name: arena.string(m.name), description: arena.string(m.description),
                          creator: arena.string(m.creator), context_length: m.contextLength ?? -1,
                          retirement_date: m.retirementDate ?? -1,
                          available_regions: arena.array(m.availableRegions) { (r: String) -> UnsafePointer<CChar>? in arena.string(r) },
                          region_count: m.availableRegions.count, default_provider: arena.string(m.defaultProvider),
                          json: arena.string(m.json) as UnsafePointer<CChar>)
        }
        count = values.count
        super.init(response, arena: arena)
    }
}

@_cdecl("aai_llm_list_models")
public func aai_llm_list_models_impl(_ c: OpaquePointer?, _ o: UnsafeMutablePointer<OpaquePointer?>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let target = try out(o, "out")
        let gateway = LLMGateway(client: try resolve(c, Client.self, "client"))
        target.pointee = HandleTable.shared.insert(CLLMModelList(try gateway.listModels()))
    }
}

@_cdecl("aai_llm_model_list_models")
public func aai_llm_model_list_models_impl(_ l: OpaquePointer?, _ models: UnsafeMutablePointer<UnsafePointer<aai_llm_model>?>?,
                                           _ n: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in
        let m = try out(models, "models"), count = try out(n, "count")
        let list = try resolve(l, CLLMModelList.self, "model list")
        m.pointee = list.models
        count.pointee = list.count
    }
}

@_cdecl("aai_llm_model_list_json")
public func aai_llm_model_list_json_impl(_ l: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                         _ length: UnsafeMutablePointer<Int>?) -> aai_status {
    abiCall { () throws(AssemblyAIError) in try resolve(l, CLLMModelList.self, "model list").json(json, length) }
}

@_cdecl("aai_llm_model_list_free")
public func aai_llm_model_list_free_impl(_ l: OpaquePointer?) { HandleTable.shared.remove(l, as: CLLMModelList.self) }
