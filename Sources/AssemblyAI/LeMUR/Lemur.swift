/// The parameters every LeMUR call shares (`LemurBaseParams`): which transcripts (or input
/// text), context, model, output size, temperature. Kept as one ordered JSON object, like the
/// transcription config, so a field this version does not know can still be sent.
public struct LemurParams: Sendable, Equatable {
    public private(set) var fields = JSONObject()

    public init() {}

    public subscript(key: String) -> JSONValue? {
        get { fields[key] }
        set { if let newValue, newValue != .null { fields[key] = newValue } else { fields.removeValue(forKey: key) } }
    }

    public mutating func addTranscriptId(_ id: String) throws(AssemblyAIError) {
        guard !id.isEmpty else { throw .invalidArgument("LeMUR transcript id is empty") }
        var ids: [JSONValue] = []
        if case .array(let existing)? = self["transcript_ids"] { ids = existing }
        ids.append(.string(id))
        self["transcript_ids"] = .array(ids)
    }

    public mutating func setTemperature(_ t: Double) throws(AssemblyAIError) {
        guard t.isFinite, (0...1).contains(t) else { throw .invalidArgument("LeMUR temperature must be between 0 and 1, got \(t)") }
        self["temperature"] = .double(t)
    }

    public mutating func setMaxOutputSize(_ n: Int) throws(AssemblyAIError) {
        guard n > 0 else { throw .invalidArgument("LeMUR max_output_size must be > 0, got \(n)") }
        self["max_output_size"] = .int(Int64(n))
    }

    /// Merges a JSON object, as ``TranscriptionConfig/merge(json:)`` does.
    public mutating func merge(json: String) throws(AssemblyAIError) {
        var scratch = TranscriptionConfig()
        try scratch.merge(json: json)
        for (key, value) in scratch.fields { self[key] = value }
    }

    /// Checks what the API would refuse, before sending.
    func validated() throws(AssemblyAIError) -> JSONObject {
        let ids: Bool
        if case .array(let a)? = self["transcript_ids"] { ids = !a.isEmpty } else { ids = false }
        let text: Bool
        if case .string(let s)? = self["input_text"] { text = !s.isEmpty } else { text = false }
        guard ids || text else {
            throw .invalidArgument("LeMUR needs at least one transcript id or an input text")
        }
        return fields
    }
}

/// One question of a LeMUR question-answer request (`LemurQuestion`).
public struct LemurQuestion: Sendable, Equatable {
    public var question: String
    public var context: String?
    public var answerFormat: String?
    public var answerOptions: [String]?

    public init(question: String, context: String? = nil, answerFormat: String? = nil, answerOptions: [String]? = nil) {
        self.question = question
        self.context = context
        self.answerFormat = answerFormat
        self.answerOptions = answerOptions
    }

    var json: JSONValue {
        var o = JSONObject()
        o["question"] = .string(question)
        if let context { o["context"] = .string(context) }
        if let answerFormat { o["answer_format"] = .string(answerFormat) }
        if let answerOptions { o["answer_options"] = .array(answerOptions.map(JSONValue.string)) }
        return .object(o)
    }
}

/// LeMUR (`/lemur/v3`): asking an LLM about transcripts. Retired in today's API in favour of the
/// LLM Gateway, still callable where it is served.
public struct Lemur: Sendable {
    public let client: Client

    public init(client: Client) { self.client = client }

    /// A custom task (`POST /lemur/v3/generate/task`).
    public func task(prompt: String, params: LemurParams) throws(AssemblyAIError) -> JSONResponse {
        guard !prompt.isEmpty else { throw .invalidArgument("LeMUR prompt is empty") }
        var body = try params.validated()
        body["prompt"] = .string(prompt)
        return try post("task", body)
    }

    /// A summary (`POST /lemur/v3/generate/summary`), optionally in a given answer format.
    public func summary(params: LemurParams, answerFormat: String? = nil) throws(AssemblyAIError) -> JSONResponse {
        var body = try params.validated()
        if let answerFormat { body["answer_format"] = .string(answerFormat) }
        return try post("summary", body)
    }

    /// Action items (`POST /lemur/v3/generate/action-items`).
    public func actionItems(params: LemurParams, answerFormat: String? = nil) throws(AssemblyAIError) -> JSONResponse {
        var body = try params.validated()
        if let answerFormat { body["answer_format"] = .string(answerFormat) }
        return try post("action-items", body)
    }

    /// Answers to questions (`POST /lemur/v3/generate/question-answer`).
    public func questionAnswer(_ questions: [LemurQuestion], params: LemurParams) throws(AssemblyAIError) -> JSONResponse {
        guard !questions.isEmpty else { throw .invalidArgument("LeMUR question-answer needs at least one question") }
        for (i, q) in questions.enumerated() where q.question.isEmpty {
            throw .invalidArgument("LeMUR question \(i) is empty")
        }
        var body = try params.validated()
        body["questions"] = .array(questions.map(\.json))
        return try post("question-answer", body)
    }

    /// A previous response by its request id (`GET /lemur/v3/{request_id}`).
    public func response(requestId: String) throws(AssemblyAIError) -> JSONResponse {
        guard !requestId.isEmpty else { throw .invalidArgument("LeMUR request id is empty") }
        let request = HTTPRequest(method: .get, path: "/lemur/v3/\(escapePathSegment(requestId))", timeoutMs: client.settings.llmTimeoutMs)
        return JSONResponse(document: try client.sendJSON(request, retry: .idempotent))
    }

    /// Deletes the data of a request (`DELETE /lemur/v3/{request_id}`); returns whether it was deleted.
    public func purge(requestId: String) throws(AssemblyAIError) -> JSONResponse {
        guard !requestId.isEmpty else { throw .invalidArgument("LeMUR request id is empty") }
        return JSONResponse(document: try client.sendJSON(HTTPRequest(method: .delete, path: "/lemur/v3/\(escapePathSegment(requestId))"),
                                                          retry: .idempotent))
    }

    private func post(_ endpoint: String, _ body: JSONObject) throws(AssemblyAIError) -> JSONResponse {
        let request = HTTPRequest(method: .post, path: "/lemur/v3/generate/\(endpoint)", body: .json(JSONValue.object(body).serializedBytes()),
                                  timeoutMs: client.settings.llmTimeoutMs)
        return JSONResponse(document: try client.sendJSON(request, retry: .createOnce))
    }
}
