import XCTest
@testable import AssemblyAI

/// The LLM Gateway's stream reader and assembler, without a server: SSE split anywhere, CRLF,
/// comments, multi-line data, `[DONE]`, malformed and error events, tool-call fragments.
final class LLMStreamTests: XCTestCase {
    private let stream = """
    : keep-alive\r
    data: {"id":"c1","model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\r
    \r
    data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"}}]}

    data: {"id":"c1",
    data: "choices":[{"index":0,"delta":{"content":"lo"}}]}

    data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

    data: {"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}

    data: [DONE]

    data: {"id":"after"}


    """

    func testDeltasDoNotDependOnTheSplit() throws {
        let bytes = Array(stream.utf8)
        var whole = LLMStreamReader()
        let expected = try whole.feed(bytes)
        XCTAssertTrue(whole.done)
        XCTAssertEqual(expected.count, 5)
        XCTAssertEqual(expected.compactMap(\.content).joined(), "Hello")
        XCTAssertEqual(expected[0].role, "assistant")
        XCTAssertEqual(expected.map(\.chunkIndex), [0, 1, 2, 3, 4])
        XCTAssertEqual(expected[3].finishReason, "stop")
        XCTAssertEqual(expected[4].choiceIndex, -1)
        XCTAssertEqual(expected[4].totalTokens, 5)
        XCTAssertEqual(expected[4].promptTokens, 3)
        for split in 1..<bytes.count {
            var r = LLMStreamReader()
            var got = try r.feed(Array(bytes[..<split]))
            got += try r.feed(Array(bytes[split...]))
            XCTAssertEqual(got, expected, "split at \(split)")
            XCTAssertTrue(r.done)
        }
        var assembler = LLMStreamAssembler()
        for d in expected { assembler.add(d) }
        let response = LLMResponse(json: try assembler.response().json)
        XCTAssertEqual(response.text, "Hello")
        XCTAssertEqual(response.finishReason, "stop")
        XCTAssertEqual(response.requestId, "c1")
        XCTAssertEqual(response.inputTokens, 3)
        XCTAssertEqual(response.totalTokens, 5)
    }

    func testToolCallFragmentsAreJoined() throws {
        let text = """
        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]}}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]}}]}

        data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]


        """
        var r = LLMStreamReader()
        var a = LLMStreamAssembler()
        for d in try r.feed(Array(text.utf8)) { a.add(d) }
        let response = LLMResponse(json: try a.response().json)
        XCTAssertEqual(response.toolCalls, [LLMToolCall(id: "call_1", name: "get_weather", arguments: "{\"city\":\"Paris\"}")])
        XCTAssertEqual(response.finishReason, "tool_calls")
        XCTAssertNil(response.text)
    }

    func testSeveralChoicesInOneChunk() throws {
        var r = LLMStreamReader()
        let deltas = try r.feed(Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}\n\n".utf8))
        XCTAssertEqual(deltas.map(\.choiceIndex), [0, 1])
        XCTAssertEqual(deltas.map(\.lastInChunk), [false, true])
        XCTAssertEqual(deltas.map(\.chunkIndex), [0, 0])
    }

    func testMalformedAndErrorEvents() {
        var r = LLMStreamReader()
        XCTAssertThrowsError(try r.feed(Array("data: {\"id\":\"x\"}\n\ndata: {\"id\":\n\n".utf8))) { error in
            let e = error as? AssemblyAIError
            XCTAssertEqual(e?.code, .proto)
            XCTAssertTrue(e?.message.contains("malformed JSON in event 2 of the stream") == true, e?.message ?? "")
        }
        var r2 = LLMStreamReader()
        XCTAssertThrowsError(try r2.feed(Array("event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n".utf8))) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .server)
            XCTAssertEqual((error as? AssemblyAIError)?.serverText, "overloaded")
        }
        var r3 = LLMStreamReader()
        XCTAssertThrowsError(try r3.feed(Array("data: {\"error\":{\"message\":\"upstream\"}}\n\n".utf8))) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .server)
        }
        var r4 = LLMStreamReader()
        XCTAssertThrowsError(try r4.feed(Array("data: [1]\n\n".utf8)))
        var r5 = LLMStreamReader(maxEventBytes: 16)
        XCTAssertThrowsError(try r5.feed(Array(("data: " + String(repeating: "x", count: 40) + "\n\n").utf8))) { error in
            XCTAssertEqual((error as? AssemblyAIError)?.code, .proto)
        }
    }

    func testDeltasBeforeAFailureInTheSamePieceAreKept() {
        var r = LLMStreamReader()
        let (deltas, failure) = r.read(Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"cho\n\n".utf8))
        XCTAssertEqual(deltas.map(\.content), ["a"])
        XCTAssertEqual(failure?.code, .proto)
    }

    func testAStreamWithoutDoneIsNotDone() throws {
        var r = LLMStreamReader()
        let deltas = try r.feed(Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n".utf8))
        XCTAssertEqual(deltas.count, 1)
        XCTAssertFalse(r.done)
    }

    func testResponseFormatAndStreamFlag() throws {
        var request = try LLMRequest(model: "gpt-4.1")
        try request.setResponseFormat(name: "answer", schema: "{\"type\":\"object\"}", strict: true)
        XCTAssertEqual(request.fields["response_format"]?["json_schema"]?["strict"], .bool(true))
        XCTAssertThrowsError(try request.setResponseFormat(name: "", schema: "{}", strict: nil))
        XCTAssertThrowsError(try request.setResponseFormat(name: "x", schema: "[]", strict: nil))
        try request.setResponseFormat(name: "x", schema: "{}", strict: nil)
        XCTAssertNil(request.fields["response_format"]?["json_schema"]?["strict"])
    }
}
