/// A chat completion request to the LLM Gateway (`LLMGatewayRequest`), built field by field or
/// merged from JSON.
public struct LLMRequest: Sendable, Equatable {
    public private(set) var fields = JSONObject()

    public init(model: String) throws(AssemblyAIError) {
        guard !model.isEmpty else { throw .invalidArgument("LLM Gateway model is empty") }
        fields["model"] = .string(model)
    }

    /// Appends a message (`role`: "system", "user", "assistant").
    public mutating func addMessage(role: String, content: String) throws(AssemblyAIError) {
        guard ["system", "user", "assistant"].contains(role) else {
            throw .invalidArgument("LLM Gateway message role must be system, user or assistant, got '\(role)'")
        }
        appendMessage(.object(["role": .string(role), "content": .string(content)]))
    }

    /// Appends the answer to a tool call (`ToolMessage`).
    public mutating func addToolResult(toolCallId: String, content: String) {
        appendMessage(.object(["role": "tool", "tool_call_id": .string(toolCallId), "content": .string(content)]))
    }

    private mutating func appendMessage(_ m: JSONValue) {
        var messages: [JSONValue] = []
        if case .array(let existing)? = fields["messages"] { messages = existing }
        messages.append(m)
        fields["messages"] = .array(messages)
    }

    public mutating func setPrompt(_ prompt: String) { fields["prompt"] = .string(prompt) }

    public mutating func setMaxTokens(_ n: Int) throws(AssemblyAIError) {
        guard n >= 1 else { throw .invalidArgument("LLM Gateway max_tokens must be >= 1, got \(n)") }
        fields["max_tokens"] = .int(Int64(n))
    }

    public mutating func setTemperature(_ t: Double) throws(AssemblyAIError) {
        guard t.isFinite, (0...2).contains(t) else { throw .invalidArgument("LLM Gateway temperature must be between 0 and 2, got \(t)") }
        fields["temperature"] = .double(t)
    }

    /// Declares a function the model may call; `parametersSchema` is a JSON Schema object (text).
    public mutating func addTool(name: String, description: String?, parametersSchema: String?) throws(AssemblyAIError) {
        guard !name.isEmpty else { throw .invalidArgument("LLM Gateway tool name is empty") }
        var function: JSONObject = ["name": .string(name)]
        if let description { function["description"] = .string(description) }
        if let parametersSchema {
            guard let schema = try? JSONValue.parse(parametersSchema), case .object = schema else {
                throw .invalidArgument("LLM Gateway tool '\(name)': parameters must be a JSON object (a JSON Schema)")
            }
            function["parameters"] = schema
        }
        var tools: [JSONValue] = []
        if case .array(let existing)? = fields["tools"] { tools = existing }
        tools.append(.object(["type": "function", "function": .object(function)]))
        fields["tools"] = .array(tools)
    }

    /// Adds a transcript as context: a system message with its text, or with one line per
    /// utterance ("Speaker A: ...") when `withSpeakers` and the transcript has utterances.
    public mutating func addTranscriptContext(_ transcript: Transcript, withSpeakers: Bool) throws(AssemblyAIError) {
        var text = ""
        if withSpeakers, let utterances = transcript.utterances, !utterances.isEmpty {
            for u in utterances {
                text += "Speaker \(u.speaker ?? "?"): \(u.text)\n"
            }
        } else if let t = transcript.text {
            text = t
        } else {
            throw .invalidArgument("transcript \(transcript.id) has no text (status \(transcript.statusText ?? "?")) to use as context")
        }
        try addMessage(role: "system", content: "Transcript \(transcript.id):\n\(text)")
    }

    /// Asks for structured output (`response_format` of type `json_schema`): the answer is JSON
    /// matching `schema` (a JSON Schema object, as text). `strict` nil leaves the API's default
    /// (false). Replaces an earlier `response_format`.
    public mutating func setResponseFormat(name: String, schema: String, strict: Bool?) throws(AssemblyAIError) {
        guard !name.isEmpty else { throw .invalidArgument("LLM Gateway response_format: the schema name is empty") }
        guard let value = try? JSONValue.parse(schema), case .object = value else {
            throw .invalidArgument("LLM Gateway response_format '\(name)': the schema must be a JSON object (a JSON Schema)")
        }
        var config: JSONObject = ["name": .string(name), "schema": value]
        if let strict { config["strict"] = .bool(strict) }
        fields["response_format"] = .object(["type": "json_schema", "json_schema": .object(config)])
    }

    public mutating func merge(json: String) throws(AssemblyAIError) {
        var scratch = TranscriptionConfig()
        try scratch.merge(json: json)
        for (key, value) in scratch.fields { fields[key] = value }
    }

    func validated() throws(AssemblyAIError) -> JSONObject {
        let hasMessages: Bool
        if case .array(let m)? = fields["messages"] { hasMessages = !m.isEmpty } else { hasMessages = false }
        let hasPrompt: Bool
        if case .string(let p)? = fields["prompt"] { hasPrompt = !p.isEmpty } else { hasPrompt = false }
        guard hasMessages || hasPrompt else { throw .invalidArgument("LLM Gateway request needs messages or a prompt") }
        return fields
    }
}

/// The LLM Gateway (`/v1/chat/completions`, `/v1/understanding`) on its own host.
public struct LLMGateway: Sendable {
    public let client: Client

    public init(client: Client) { self.client = client }

    public func chatCompletion(_ request: LLMRequest) throws(AssemblyAIError) -> JSONResponse {
        let fields = try request.validated()
        if fields["stream"]?.boolValue == true {
            throw .invalidArgument("\"stream\": true needs the streaming call (aai_llm_chat_completion_stream, chatCompletionStream)")
        }
        return try post("/v1/chat/completions", .object(fields))
    }

    /// A speech understanding task on a transcript (translation, speaker identification, custom
    /// formatting): `speechUnderstanding` is the task object as JSON text.
    public func understanding(transcriptId: String, speechUnderstanding: String) throws(AssemblyAIError) -> JSONResponse {
        guard !transcriptId.isEmpty else { throw .invalidArgument("transcript id is empty") }
        guard let task = try? JSONValue.parse(speechUnderstanding), case .object = task else {
            throw .invalidArgument("speech_understanding must be a JSON object")
        }
        return try post("/v1/understanding", .object(["transcript_id": .string(transcriptId), "speech_understanding": task]))
    }

    /// The models the gateway offers (GET /v1/models; the answer's `data`, decoded by ``LLMModel``).
    public func listModels() throws(AssemblyAIError) -> JSONResponse {
        let settings = client.settings
        let request = HTTPRequest(method: .get, path: "/v1/models", baseURL: settings.resolvedLLMGatewayBaseURL,
                                  timeoutMs: settings.llmTimeoutMs)
        let response = JSONResponse(document: try client.sendJSON(request, retry: .idempotent))
        guard response.json.isObject else { throw AssemblyAIError(.proto, "GET /v1/models: the answer is not a JSON object") }
        return response
    }

    private func post(_ path: String, _ body: JSONValue) throws(AssemblyAIError) -> JSONResponse {
        let settings = client.settings
        let request = HTTPRequest(method: .post, path: path, body: .json(body.serializedBytes()),
                                  baseURL: settings.resolvedLLMGatewayBaseURL, timeoutMs: settings.llmTimeoutMs)
        return JSONResponse(document: try client.sendJSON(request, retry: .createOnce))
    }
}
