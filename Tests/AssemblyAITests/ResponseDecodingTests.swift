import XCTest
@testable import AssemblyAI

/// The core's decoders of the JSON answers other than transcripts (LeMUR, LLM Gateway, sentences
/// and paragraphs, word search, the transcript list): the only decoders of these answers, which
/// the C ABI converts into its structs.
final class ResponseDecodingTests: XCTestCase {
    func node(_ json: String) throws -> JSONNode { try JSONDocument(bytes: Array(json.utf8)).root }
    func response(_ json: String) throws -> JSONResponse { JSONResponse(document: try JSONDocument(bytes: Array(json.utf8))) }

    func testLemurTextResponse() throws {
        let r = LemurResponse(json: try node(#"{"request_id": "r1", "response": "A summary.", "usage": {"input_tokens": 27, "output_tokens": 3}}"#))
        XCTAssertEqual(r, LemurResponse(requestId: "r1", text: "A summary.", answers: [], inputTokens: 27, outputTokens: 3))
    }

    func testLemurQuestionAnswerResponse() throws {
        let r = LemurResponse(json: try node(#"{"request_id": "r2", "response": [{"question": "Q1?", "answer": "A1"}, {"answer": null}, 5]}"#))
        XCTAssertNil(r.text)
        XCTAssertEqual(r.answers, [LemurAnswer(question: "Q1?", answer: "A1"), LemurAnswer(question: nil, answer: nil),
                                   LemurAnswer(question: nil, answer: nil)])
        XCTAssertNil(r.inputTokens)
        XCTAssertNil(r.outputTokens)
        let empty = LemurResponse(json: try node(#"{"response": null, "usage": {"input_tokens": "many"}}"#))
        XCTAssertEqual(empty, LemurResponse(requestId: nil, text: nil, answers: [], inputTokens: nil, outputTokens: nil))
    }

    func testLemurPurgeResponse() throws {
        XCTAssertEqual(LemurPurgeResponse(json: try node(#"{"request_id": "p", "request_id_to_purge": "r", "deleted": true}"#)),
                       LemurPurgeResponse(requestId: "p", deleted: true))
        XCTAssertFalse(LemurPurgeResponse(json: try node(#"{"deleted": "yes"}"#)).deleted)
    }

    func testLLMResponseWithToolCallsOnTheMessage() throws {
        let r = LLMResponse(json: try node(#"""
            {"request_id": "q", "choices": [{"message": {"role": "assistant", "content": "Hi", "tool_calls": [
              {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}},
              {"id": "c2", "function": {"name": "g", "arguments": {"b": [2]}}},
              {"id": "c3", "function": {"name": "h", "arguments": null}},
              {"function": {}}]}, "finish_reason": "tool_calls"},
              {"message": {"content": "second choice"}}],
             "usage": {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}}
            """#))
        XCTAssertEqual(r.text, "Hi")
        XCTAssertEqual(r.finishReason, "tool_calls")
        XCTAssertEqual(r.requestId, "q")
        // Arguments: the string as sent, or the JSON of any other value; nil when absent.
        XCTAssertEqual(r.toolCalls, [LLMToolCall(id: "c1", name: "f", arguments: #"{"a": 1}"#),
                                     LLMToolCall(id: "c2", name: "g", arguments: #"{"b": [2]}"#),
                                     LLMToolCall(id: "c3", name: "h", arguments: "null"),
                                     LLMToolCall(id: nil, name: nil, arguments: nil)])
        XCTAssertEqual(r.inputTokens, 5)
        XCTAssertEqual(r.outputTokens, 7)
        XCTAssertEqual(r.totalTokens, 12)
    }

    func testLLMResponseWithToolCallsOnTheChoiceAndNothingElse() throws {
        let r = LLMResponse(json: try node(#"{"choices": [{"message": {"content": null}, "tool_calls": [{"id": "x", "function": {"name": "n", "arguments": "{}"}}]}]}"#))
        XCTAssertNil(r.text)
        XCTAssertNil(r.finishReason)
        XCTAssertEqual(r.toolCalls, [LLMToolCall(id: "x", name: "n", arguments: "{}")])
        XCTAssertNil(r.totalTokens)
        XCTAssertEqual(LLMResponse(json: try node(#"{"choices": []}"#)),
                       LLMResponse(text: nil, finishReason: nil, requestId: nil, toolCalls: [], inputTokens: nil, outputTokens: nil,
                                   totalTokens: nil))
    }

    /// A segment is an utterance's shape: a missing text is "" (the C header's rule for
    /// aai_segment, which is aai_utterance), a missing speaker nil.
    func testSentencesAndParagraphs() throws {
        let r = try response(#"""
            {"id": "t", "confidence": 0.9, "audio_duration": 3, "sentences": [
              {"text": "Hello there.", "start": 10, "end": 500, "confidence": 0.95, "speaker": "A", "channel": null,
               "words": [{"text": "Hello", "start": 10, "end": 200, "confidence": 0.9, "speaker": "A"}, {"start": 250}]},
              {}]}
            """#)
        XCTAssertEqual(r.sentences, [
            TranscriptSegment(text: "Hello there.", start: 10, end: 500, confidence: 0.95, speaker: "A", channel: nil,
                              words: [Word(text: "Hello", start: 10, end: 200, confidence: 0.9, speaker: "A", channel: nil),
                                      Word(text: "", start: 250, end: 0, confidence: 0, speaker: nil, channel: nil)]),
            TranscriptSegment(text: "", start: 0, end: 0, confidence: 0, speaker: nil, channel: nil, words: [])])
        XCTAssertEqual(r.paragraphs, [])
        XCTAssertEqual(try response(#"{"paragraphs": [{"text": "P", "channel": "2"}]}"#).paragraphs,
                       [TranscriptSegment(text: "P", start: 0, end: 0, confidence: 0, speaker: nil, channel: "2", words: [])])
    }

    func testWordSearch() throws {
        let r = try response(#"""
            {"id": "t", "total_count": 3, "matches": [
              {"text": "smoke", "count": 2, "timestamps": [[250, 650], [900, 1200]], "indexes": [0, 4]},
              {"text": "fire", "count": 1, "timestamps": [[1]], "indexes": ["x"]},
              {"count": 0, "timestamps": [], "indexes": []}]}
            """#).wordSearchResult
        XCTAssertEqual(r.totalCount, 3)
        XCTAssertEqual(r.matches, [
            WordSearchMatch(text: "smoke", count: 2, timestamps: [Timestamp(start: 250, end: 650), Timestamp(start: 900, end: 1200)],
                            indexes: [0, 4]),
            WordSearchMatch(text: "fire", count: 1, timestamps: [Timestamp(start: 1, end: 0)], indexes: [0]),
            WordSearchMatch(text: nil, count: 0, timestamps: [], indexes: [])])
        XCTAssertEqual(try response("{}").wordSearchResult, WordSearchResult(totalCount: 0, matches: []))
    }

    func testTranscriptList() throws {
        let page = try response(#"""
            {"page_details": {"limit": 2, "result_count": 2, "current_url": "http://h/v2/transcript?limit=2",
              "prev_url": "http://h/v2/transcript?limit=2&before_id=abc", "next_url": null},
             "transcripts": [
              {"id": "abc", "resource_url": "http://h/v2/transcript/abc", "status": "completed",
               "created": "2026-11-25T09:31:02.123456", "completed": "2026-11-25T09:31:09.5", "audio_url": "http://a", "error": null},
              {"id": "def", "status": "error", "error": "Download failed"}]}
            """#).transcriptList
        XCTAssertEqual(page.limit, 2)
        XCTAssertEqual(page.resultCount, 2)
        XCTAssertEqual(page.currentURL, "http://h/v2/transcript?limit=2")
        XCTAssertNil(page.nextURL)
        XCTAssertEqual(page.beforeIdOfPrevURL, "abc")
        XCTAssertEqual(page.transcripts, [
            TranscriptListItem(id: "abc", resourceURL: "http://h/v2/transcript/abc", status: "completed",
                               created: "2026-11-25T09:31:02.123456", completed: "2026-11-25T09:31:09.5", audioURL: "http://a",
                               error: nil),
            TranscriptListItem(id: "def", resourceURL: nil, status: "error", created: nil, completed: nil, audioURL: nil,
                               error: "Download failed")])
        let bare = try response("{}").transcriptList
        XCTAssertEqual(bare, TranscriptList(transcripts: [], limit: nil, resultCount: nil, currentURL: nil, prevURL: nil, nextURL: nil))
        XCTAssertNil(bare.beforeIdOfPrevURL)
    }

    /// The LLM Gateway's transcript context reads the utterances through their decoder: a
    /// missing speaker is "?", a missing text "".
    func testTranscriptContextLines() throws {
        let t = try Transcript(json: Array(#"{"id": "t1", "status": "completed", "text": "Hi. Yo.", "utterances": [{"speaker": "A", "text": "Hi."}, {"text": "Yo."}, {"speaker": "B"}]}"#.utf8))
        var request = try LLMRequest(model: "m")
        try request.addTranscriptContext(t, withSpeakers: true)
        var plain = try LLMRequest(model: "m")
        try plain.addTranscriptContext(t, withSpeakers: false)
        let content = { (r: LLMRequest) -> String? in
            guard case .array(let messages)? = r.fields["messages"], case .object(let m)? = messages.first,
                  case .string(let text)? = m["content"] else { return nil }
            return text
        }
        XCTAssertEqual(content(request), "Transcript t1:\nSpeaker A: Hi.\nSpeaker ?: Yo.\nSpeaker B: \n")
        XCTAssertEqual(content(plain), "Transcript t1:\nHi. Yo.")
    }
}
