/// An LLM Gateway response (`LLMGatewayResponse`, also the answer of `/v1/understanding`): what
/// the first choice says, the tool calls it asks for, the request id and the token usage. Read
/// leniently: a field that is absent, null or of another type is nil (or no tool calls).
public struct LLMResponse: Sendable, Equatable {
    /// The text of the first choice's message (`choices[0].message.content`).
    public var text: String?
    /// Why the first choice stopped (`choices[0].finish_reason`): "stop", "tool_calls", ...
    public var finishReason: String?
    /// The request id (`request_id`).
    public var requestId: String?
    /// The tool calls of the first choice, in order: those of its message (OpenAI's shape), or
    /// else those on the choice itself (the gateway's spec).
    public var toolCalls: [LLMToolCall]
    /// Token usage (`usage.input_tokens`, `output_tokens`, `total_tokens`), where the server said.
    public var inputTokens: Int64?
    public var outputTokens: Int64?
    public var totalTokens: Int64?

    public init(text: String?, finishReason: String?, requestId: String?, toolCalls: [LLMToolCall],
                inputTokens: Int64?, outputTokens: Int64?, totalTokens: Int64?) {
        self.text = text
        self.finishReason = finishReason
        self.requestId = requestId
        self.toolCalls = toolCalls
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
    }

    /// Decodes an LLM Gateway response object.
    public init(json node: JSONNode) {
        typealias K = LemurKeys
        let choice = node[K.choices]?[0]
        let message = choice?[K.message]
        let calls = message?[K.toolCalls] ?? choice?[K.toolCalls]
        let usage = node[K.usage]
        self.init(text: message?[K.content]?.string, finishReason: choice?[K.finishReason]?.string,
                  requestId: node.optionalText(K.requestId), toolCalls: calls?.decodedArray(LLMToolCall.init(json:)) ?? [],
                  inputTokens: usage?[K.inputTokens]?.int64, outputTokens: usage?[K.outputTokens]?.int64,
                  totalTokens: usage?[K.totalTokens]?.int64)
    }
}

/// One tool call the model asked for (`ToolCall`).
public struct LLMToolCall: Sendable, Equatable {
    /// The call's id, to send back with the result (``LLMRequest/addToolResult(toolCallId:content:)``).
    public var id: String?
    /// The function's name.
    public var name: String?
    /// The arguments as JSON text: the string the server sent, or the JSON of any other value
    /// (an object, or `null`); nil when absent.
    public var arguments: String?

    public init(id: String?, name: String?, arguments: String?) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// Decodes a `ToolCall` object.
    public init(json node: JSONNode) {
        let function = node[LemurKeys.function]
        let arguments = function?[LemurKeys.arguments]
        self.init(id: node.optionalText(LemurKeys.id), name: function?.optionalText(LemurKeys.name),
                  arguments: arguments.map { $0.isString ? $0.string : $0.rawJSON } ?? nil)
    }
}

/// A model the LLM Gateway offers (`GET /v1/models`, an element of `data`). The fields a program
/// chooses by are typed; the rest (pricing, providers, default parameters) is in `json`. Read
/// leniently: a missing or null field is nil (or empty), as the gateway sends null for empty lists.
public struct LLMModel: Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var creator: String?
    /// The context window in tokens.
    public var contextLength: Int64?
    /// Unix time of the model's retirement, 0 when it is not retiring.
    public var retirementDate: Int64?
    /// The regions it is available in ("us", "eu", ...).
    public var availableRegions: [String]
    /// The default provider's id.
    public var defaultProvider: String?
    /// The model's object as JSON text.
    public var json: String

    /// Decodes a model object.
    public init(json node: JSONNode) {
        id = node["id"]?.string
        name = node["name"]?.string
        description = node["description"]?.string
        creator = node["creator"]?.string
        contextLength = node["context_length"]?.int64
        retirementDate = node["retirement_date"]?.int64
        availableRegions = node["available_regions"].map { $0.elements.compactMap(\.string) } ?? []
        defaultProvider = node["default_provider"]?["id"]?.string
        json = node.rawJSON
    }

    /// The models of a `GET /v1/models` answer (`data`; none when it is null or absent).
    public static func list(json node: JSONNode) -> [LLMModel] {
        node["data"].map { $0.elements.filter(\.isObject).map(LLMModel.init(json:)) } ?? []
    }
}
