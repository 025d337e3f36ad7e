/// A LeMUR response: `LemurStringResponse` (task, summary, action items: `response` is text) or
/// `LemurQuestionAnswerResponse` (`response` is an array of answers), with the request id and the
/// token usage. Read leniently, like the transcript's results: a field that is absent, null or of
/// another type is nil (or no answers).
public struct LemurResponse: Sendable, Equatable {
    /// The ID of the LeMUR request (`request_id`).
    public var requestId: String?
    /// The answer of a task, summary or action-items request (`response` when it is a string);
    /// nil for a question-answer response.
    public var text: String?
    /// The answers of a question-answer request (`response` when it is an array), in order.
    public var answers: [LemurAnswer]
    /// The number of input tokens the request used (`usage.input_tokens`), if the server said.
    public var inputTokens: Int64?
    /// The number of output tokens the model generated (`usage.output_tokens`), if the server said.
    public var outputTokens: Int64?

    public init(requestId: String?, text: String?, answers: [LemurAnswer], inputTokens: Int64?, outputTokens: Int64?) {
        self.requestId = requestId
        self.text = text
        self.answers = answers
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// Decodes a LeMUR response object.
    public init(json node: JSONNode) {
        let response = node[LemurKeys.response]
        let usage = node[LemurKeys.usage]
        self.init(requestId: node.optionalText(LemurKeys.requestId), text: response?.string,
                  answers: response?.decodedArray(LemurAnswer.init(json:)) ?? [],
                  inputTokens: usage?[LemurKeys.inputTokens]?.int64, outputTokens: usage?[LemurKeys.outputTokens]?.int64)
    }
}

/// One answer of a question-answer response (`LemurQuestionAnswer`).
public struct LemurAnswer: Sendable, Equatable {
    /// The question this answers; nil if the server sent none.
    public var question: String?
    /// The answer; nil if the server sent none.
    public var answer: String?

    public init(question: String?, answer: String?) {
        self.question = question
        self.answer = answer
    }

    /// Decodes a `LemurQuestionAnswer` object.
    public init(json node: JSONNode) {
        self.init(question: node.optionalText(LemurKeys.question), answer: node.optionalText(LemurKeys.answer))
    }
}

/// Keys of the LeMUR and LLM Gateway responses, encoded once.
enum LemurKeys {
    static let requestId: JSONKey = "request_id"
    static let response: JSONKey = "response"
    static let usage: JSONKey = "usage"
    static let inputTokens: JSONKey = "input_tokens"
    static let outputTokens: JSONKey = "output_tokens"
    static let totalTokens: JSONKey = "total_tokens"
    static let question: JSONKey = "question"
    static let answer: JSONKey = "answer"
    static let deleted: JSONKey = "deleted"
    static let choices: JSONKey = "choices"
    static let message: JSONKey = "message"
    static let content: JSONKey = "content"
    static let finishReason: JSONKey = "finish_reason"
    static let toolCalls: JSONKey = "tool_calls"
    static let id: JSONKey = "id"
    static let function: JSONKey = "function"
    static let name: JSONKey = "name"
    static let arguments: JSONKey = "arguments"
}

/// The answer of ``Lemur/purge(requestId:)`` (`PurgeLemurRequestDataResponse`).
public struct LemurPurgeResponse: Sendable, Equatable {
    /// The ID of the deletion request (`request_id`).
    public var requestId: String?
    /// Whether the request's data was deleted (`deleted` is true).
    public var deleted: Bool

    public init(requestId: String?, deleted: Bool) {
        self.requestId = requestId
        self.deleted = deleted
    }

    /// Decodes a `PurgeLemurRequestDataResponse` object.
    public init(json node: JSONNode) {
        self.init(requestId: node.optionalText(LemurKeys.requestId), deleted: node[LemurKeys.deleted]?.bool == true)
    }
}
