import XCTest
@testable import AssemblyAI

final class JSONParserTests: XCTestCase {

    // MARK: accept / reject (in the spirit of JSONTestSuite's y_ and n_ cases)

    static let accepted: [String] = [
        "[]", "{}", "[null]", "[true]", "[false]", "0", "-0", "[-0.0]", "1E+2", "1e-2", "[1E22]",
        "[123.456e-789]", "[1.5e+9999]", "[123e65]", "[0e+1]", "[0E1]", "[-1]", "[1,2,3]",
        "\"\\u0000\"", "[\"\\ud834\\udd1e\"]", "\"\\/\"", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\" \"",
        "[\" asd\"]", " [1] ", "\n\r\t [\n\r\t 1 \n\r\t ] \n\r\t", "{\"a\":\"b\",\"a\":\"c\"}", "{\"\":0}",
        "[[[[]]]]", "[\"é\"]", "[\"😀\"]", "\"\\u20AC\"", "{\"a\":[{\"b\":null}]}", "-9223372036854775808",
        "\"\\uDBFF\\uDFFF\"", "{\"\\u0061\":1}", "[\"\\uFFFF\"]", "[\"\u{7F}\"]", "{ \"a\" : 1 , \"b\" : [ ] }",
        "[1.0e-5, -1.5E+3, 0.5]", "true", "null", "\"\"", "[\"a\",{},[],0,\"\"]", "[\"\u{10FFFF}\"]",
        "[\"\u{FEFF}\"]", "[\"日本語のテキスト\"]",
    ]

    static let rejected: [(String, JSONError.Code)] = [
        ("", .unexpectedEnd), (" ", .unexpectedEnd), ("[", .unexpectedEnd), ("]", .unexpectedCharacter),
        ("[1,]", .unexpectedCharacter), ("[,1]", .unexpectedCharacter), ("[1,,2]", .unexpectedCharacter),
        ("{\"a\":1,}", .unexpectedCharacter), ("{,}", .unexpectedCharacter), ("{\"a\" 1}", .unexpectedCharacter),
        ("{\"a\":}", .unexpectedCharacter), ("{a:1}", .unexpectedCharacter), ("{'a':1}", .unexpectedCharacter),
        ("['a']", .unexpectedCharacter), ("[01]", .invalidNumber), ("[-01]", .invalidNumber),
        ("[1.]", .invalidNumber), ("[.1]", .unexpectedCharacter), ("[+1]", .unexpectedCharacter),
        ("[1e]", .invalidNumber), ("[1e+]", .invalidNumber), ("[-]", .invalidNumber), ("[NaN]", .unexpectedCharacter),
        ("[Infinity]", .unexpectedCharacter), ("[-Infinity]", .invalidNumber), ("[0x1]", .unexpectedCharacter),
        ("[1 2]", .unexpectedCharacter), ("tru", .unexpectedCharacter), ("nul", .unexpectedCharacter),
        ("[True]", .unexpectedCharacter), ("\"abc", .unexpectedEnd), ("[\"a\\x\"]", .invalidEscape),
        ("[\"\\u12\"]", .invalidEscape), ("[\"\\uZZZZ\"]", .invalidEscape), ("[\"\\ud800\"]", .invalidEscape),
        ("[\"\\udc00\"]", .invalidEscape), ("[\"\\ud800\\u0041\"]", .invalidEscape), ("[\"\\ud800x\"]", .invalidEscape),
        ("[\"a\tb\"]", .controlCharacterInString), ("[\"a\n\"]", .controlCharacterInString),
        ("[\"\u{0}\"]", .controlCharacterInString), ("[1]x", .trailingContent), ("[1][2]", .trailingContent),
        ("{\"a\":1}}", .trailingContent), ("[1]]", .trailingContent), ("{]", .unexpectedCharacter),
        ("[}", .unexpectedCharacter), ("\u{FEFF}[]", .unexpectedCharacter), ("[1e1.5]", .unexpectedCharacter),
        ("{\"a\":1 \"b\":2}", .unexpectedCharacter), ("[null, ]", .unexpectedCharacter),
        ("/* c */ []", .unexpectedCharacter), ("[1]/", .trailingContent), ("[\u{0C}1]", .unexpectedCharacter),
        ("[\"a\"", .unexpectedEnd), ("{\"a\"", .unexpectedEnd), ("-", .unexpectedEnd), ("- 1", .invalidNumber),
        ("[2.e3]", .invalidNumber), ("1.e1", .invalidNumber), ("{\"a\":1", .unexpectedEnd), ("[\"\\", .unexpectedEnd),
        ("\"\\u00", .unexpectedEnd), ("{1:1}", .unexpectedCharacter), ("[truex]", .unexpectedCharacter),
        ("[fals]", .unexpectedCharacter), ("[nulll]", .unexpectedCharacter), ("\"a\" \"b\"", .trailingContent),
        ("[\"\\a\"]", .invalidEscape), ("[\"\\U0041\"]", .invalidEscape),
    ]

    static let rejectedBytes: [([UInt8], JSONError.Code)] = [
        ([0x5B, 0x22, 0xFF, 0x22, 0x5D], .invalidUTF8),                   // 0xFF
        ([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], .invalidUTF8),             // overlong '/'
        ([0x5B, 0x22, 0xE0, 0x80, 0xAF, 0x22, 0x5D], .invalidUTF8),       // overlong 3-byte
        ([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], .invalidUTF8),       // encoded surrogate U+D800
        ([0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D], .invalidUTF8), // > U+10FFFF
        ([0x5B, 0x22, 0xE2, 0x82, 0x22, 0x5D], .invalidUTF8),             // truncated €
        ([0x5B, 0x22, 0x80, 0x22, 0x5D], .invalidUTF8),                   // lone continuation
        ([0x5B, 0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22, 0x5D], .invalidUTF8), // 5-byte form
        ([0x22, 0xE2, 0x82], .invalidUTF8),                               // truncated at end of input
        ([0x5B, 0xC3, 0xA9, 0x5D], .unexpectedCharacter),                 // non-ASCII outside a string
        ([0x5B, 0x00, 0x5D], .unexpectedCharacter),
    ]

    func testAcceptSuite() {
        for text in Self.accepted {
            XCTAssertNoThrow(try JSONDocument(string: text), "should accept: \(text.debugDescription)")
        }
        // Valid UTF-8 byte sequences of each length, as raw bytes, also in long strings (SWAR path).
        let samples: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
                                  [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for s in samples {
            for pad in [0, 7, 8, 9, 17] {
                let bytes = [0x22] + Array(repeating: 0x61, count: pad) + s + Array(repeating: 0x62, count: pad) + [0x22]
                XCTAssertNoThrow(try JSONDocument(bytes: bytes), "\(s) pad \(pad)")
                XCTAssertEqual(try JSONDocument(bytes: bytes).root.string?.utf8.count, s.count + 2 * pad)
            }
        }
    }

    func testRejectSuite() {
        for (text, code) in Self.rejected {
            do {
                _ = try JSONDocument(string: text)
                XCTFail("should reject: \(text.debugDescription)")
            } catch {
                XCTAssertEqual(error.code, code, "\(text.debugDescription): \(error)")
                XCTAssertLessThanOrEqual(error.offset, text.utf8.count)
                XCTAssertFalse(error.reason.isEmpty)
            }
        }
        for (bytes, code) in Self.rejectedBytes {
            do {
                _ = try JSONDocument(bytes: bytes)
                XCTFail("should reject: \(bytes)")
            } catch {
                XCTAssertEqual(error.code, code, "\(bytes): \(error)")
            }
        }
    }

    func testRejectInLongStringsUsesCorrectOffset() {
        // Special bytes at every position relative to the 8-byte scanning window.
        for pad in 0..<20 {
            let prefix = Array(repeating: UInt8(0x61), count: pad)
            for bad: UInt8 in [0x01, 0x1F, 0xFF, 0x80] {
                let bytes = [0x22] + prefix + [bad] + Array(repeating: UInt8(0x61), count: 20) + [0x22]
                do {
                    _ = try JSONDocument(bytes: bytes)
                    XCTFail("should reject byte \(bad) at \(pad)")
                } catch {
                    XCTAssertEqual(error.offset, 1 + pad, "byte \(bad) pad \(pad)")
                }
            }
            let ok = [0x22] + prefix + [0x5C, 0x22] + prefix + [0x22]
            XCTAssertEqual(try JSONDocument(bytes: ok).root.string, String(repeating: "a", count: pad) + "\"" + String(repeating: "a", count: pad))
        }
    }

    func testErrorDescription() {
        do {
            _ = try JSONDocument(string: "{\"a\": [1, 2,]}")
            XCTFail()
        } catch {
            XCTAssertEqual(error.offset, 12)
            XCTAssertEqual(error.code, .unexpectedCharacter)
            XCTAssertTrue(error.description.contains("byte 12"), error.description)
            XCTAssertTrue(error.description.contains("']'"), error.description)
        }
        XCTAssertThrowsError(try JSONDocument(string: "[01]")) { e in
            XCTAssertEqual((e as? JSONError)?.offset, 2)
            XCTAssertTrue(String(describing: e).contains("leading zero"))
        }
    }

    // MARK: depth

    func testDepthLimit() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try JSONDocument(string: ok))
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        XCTAssertThrowsError(try JSONDocument(string: tooDeep)) { e in
            XCTAssertEqual((e as? JSONError)?.code, .depthLimitExceeded)
            XCTAssertEqual((e as? JSONError)?.offset, 512)
        }
        let objects = String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600)
        XCTAssertThrowsError(try JSONDocument(string: objects)) { e in
            XCTAssertEqual((e as? JSONError)?.code, .depthLimitExceeded)
        }
        XCTAssertNoThrow(try JSONDocument(string: objects, maxDepth: 600))
        XCTAssertNoThrow(try JSONDocument(string: "[[1]]", maxDepth: 2))
        XCTAssertThrowsError(try JSONDocument(string: "[[[1]]]", maxDepth: 2))
        XCTAssertNoThrow(try JSONDocument(string: "1", maxDepth: 0))
        XCTAssertNoThrow(try JSONDocument(string: "[[1]]", maxDepth: Int.max))
        XCTAssertThrowsError(try JSONDocument(string: "[[1]]", maxDepth: -5))
        XCTAssertThrowsError(try JSONDocument(string: "[]", maxDepth: 0))
        // A deep document converts to JSONValue and back.
        let deep = try JSONValue.parse(String(repeating: "[", count: 500) + "7" + String(repeating: "]", count: 500))
        XCTAssertEqual(try JSONValue.parse(deep.serialized()), deep)
    }

    // MARK: strings

    func testEscapesAndSurrogates() throws {
        let doc = try JSONDocument(string: #"["\u00e9", "\ud83d\ude00", "a\nb\tc", "\"\\\/\b\f\r", "\u0041\u0000Z", "plain", "\uD834\uDD1E!", "x\u20ACy", "\u007f\u0080\u07FF\u0800\uFFFF"]"#)
        let strings = doc.root.elements.map { $0.string }
        XCTAssertEqual(strings, ["é", "😀", "a\nb\tc", "\"\\/\u{8}\u{C}\r", "A\u{0}Z", "plain", "𝄞!", "x€y",
                                 "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}"])
        var buffer: [UInt8] = []
        for e in doc.root.elements {
            XCTAssertTrue(e.appendUnescapedString(to: &buffer))
            buffer.append(0)
        }
        let expected = strings.compactMap { $0 }.map { Array($0.utf8) + [0] }.flatMap { $0 }
        XCTAssertEqual(buffer, expected)
        XCTAssertFalse(try JSONDocument(string: "[1]").root.appendUnescapedString(to: &buffer))
        XCTAssertEqual(buffer, expected)
        // Raw (unescaped) multi-byte UTF-8 is kept as is.
        XCTAssertEqual(try JSONDocument(string: "\"日本語 ünïcödé 😀\"").root.string, "日本語 ünïcödé 😀")
        XCTAssertTrue(try JSONDocument(string: #""a\nb""#).root.stringEquals("a\nb"))
        XCTAssertFalse(try JSONDocument(string: #""a\nb""#).root.stringEquals("a\\nb"))
        XCTAssertTrue(try JSONDocument(string: #""plain""#).root.stringEquals("plain"))
    }

    func testEscapedKeys() throws {
        let doc = try JSONDocument(string: #"{"\u0074ext":"x","a\"b":1,"\u00e9":2,"é":3}"#)
        XCTAssertEqual(doc.root["text"]?.string, "x")
        XCTAssertEqual(doc.root["a\"b"]?.int64, 1)
        XCTAssertEqual(doc.root["é"]?.int64, 2, "first occurrence wins")
        XCTAssertEqual(doc.root.members.map(\.key), ["text", "a\"b", "é", "é"])
    }

    // MARK: numbers

    func testIntegerEdges() throws {
        func node(_ s: String) throws -> JSONNode { try JSONDocument(string: s).root }
        XCTAssertEqual(try node("9223372036854775807").int64, Int64.max)
        XCTAssertEqual(try node("-9223372036854775808").int64, Int64.min)
        XCTAssertNil(try node("9223372036854775808").int64)
        XCTAssertNil(try node("-9223372036854775809").int64)
        XCTAssertNil(try node("99999999999999999999999").int64)
        XCTAssertEqual(try node("9223372036854775808").double, 9223372036854775808.0)
        XCTAssertEqual(try node("0").int64, 0)
        XCTAssertEqual(try node("-0").int64, 0)
        XCTAssertEqual(try node("123456789012345678").int64, 123456789012345678)
        XCTAssertEqual(try node("1234567890123456789").int64, 1234567890123456789)
        XCTAssertEqual(try node("-1234567890123456789").int64, -1234567890123456789)
        // Integral values written with a fraction or exponent.
        XCTAssertEqual(try node("1e2").int64, 100)
        XCTAssertEqual(try node("1.0").int64, 1)
        XCTAssertEqual(try node("-2.50e1").int64, -25)
        XCTAssertEqual(try node("100000000000000000000e-5").int64, 1_000_000_000_000_000)
        XCTAssertEqual(try node("9.223372036854775807e18").int64, Int64.max)
        XCTAssertEqual(try node("-9.223372036854775808e18").int64, Int64.min)
        XCTAssertEqual(try node("0.0e99999").int64, 0)
        XCTAssertNil(try node("9.223372036854775808e18").int64)
        XCTAssertNil(try node("1.5").int64)
        XCTAssertNil(try node("1e19").int64)
        XCTAssertNil(try node("1e-1").int64)
        XCTAssertNil(try node("4503599627370496.5").int64)
        XCTAssertNil(try node("9007199254740993.5").int64)
        XCTAssertEqual(try node("9007199254740993.0").int64, 9007199254740993)
        XCTAssertNil(try node("\"1\"").int64)
        XCTAssertEqual(try node("42").int, 42)
        XCTAssertTrue(try node("42").isIntegerLiteral)
        XCTAssertFalse(try node("42.0").isIntegerLiteral)
    }

    func testDoubles() throws {
        func d(_ s: String) throws -> Double? { try JSONDocument(string: s).root.double }
        XCTAssertEqual(try d("0.1"), 0.1)
        XCTAssertEqual(try d("0.98"), 0.98)
        XCTAssertEqual(try d("-1.5E+3"), -1500)
        XCTAssertEqual(try d("1e-400"), 0)
        XCTAssertEqual(try d("1e400"), .infinity)
        XCTAssertEqual(try d("-1e400"), -.infinity)
        XCTAssertEqual(try d("5e-324"), Double.leastNonzeroMagnitude)
        XCTAssertEqual(try d("1.7976931348623157e308"), 1.7976931348623157e308)
        XCTAssertEqual(try d("2.2250738585072011e-308"), Double.leastNormalMagnitude.nextDown)
        XCTAssertEqual(try d("0.30000000000000004"), 0.30000000000000004)
        XCTAssertEqual(try d("123456789012345678901234567890"), 123456789012345678901234567890.0)
        XCTAssertEqual(try d("9007199254740993"), 9007199254740992.0)
        XCTAssertEqual(try d("-0")?.sign, .minus)
        XCTAssertEqual(try d("-0.0")?.sign, .minus)
        XCTAssertEqual(try d("0")?.sign, .plus)
        XCTAssertEqual(try d("12"), 12)
        XCTAssertNil(try d("true"))
        // Fast path agrees with the correctly rounded stdlib conversion.
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let digits = Int(rng.next() % 20) + 1
            var text = (rng.next() % 2 == 0) ? "-" : ""
            var mantissa = String(rng.next() % 9 + 1)
            for _ in 1..<digits { mantissa += String(rng.next() % 10) }
            let point = Int(rng.next() % UInt64(digits + 1))
            if point > 0 && point < digits {
                mantissa.insert(".", at: mantissa.index(mantissa.startIndex, offsetBy: point))
            }
            text += mantissa
            if rng.next() % 2 == 0 { text += "e" + String(Int(rng.next() % 80) - 40) }
            let expected = Double(text)
            XCTAssertEqual(try d(text), expected, text)
        }
    }

    // MARK: navigation

    func testNavigationAndRawSlices() throws {
        let text = #"  {"a": [1, 2 ,3], "b" : "x\ny", "c": {"d": null, "e": true, "f": false}, "n": -1.5e3, "z": []}  "#
        let doc = try JSONDocument(string: text)
        let root = doc.root
        XCTAssertEqual(root.kind, .object)
        XCTAssertEqual(root.count, 5)
        XCTAssertEqual(root.rawJSON, text.trimmingCharacters(in: " "))
        XCTAssertEqual(root["a"]?.rawJSON, "[1, 2 ,3]")
        XCTAssertEqual(root["a"]?.count, 3)
        XCTAssertEqual(root["a"]?[1]?.int64, 2)
        XCTAssertEqual(root["a"]?[1]?.rawJSON, "2")
        XCTAssertNil(root["a"]?[3])
        XCTAssertNil(root["a"]?[-1])
        XCTAssertEqual(root["a"]?.elements.map { $0.int64 }, [1, 2, 3])
        XCTAssertEqual(root["b"]?.rawJSON, #""x\ny""#)
        XCTAssertEqual(root["b"]?.string, "x\ny")
        XCTAssertEqual(root["c"]?.rawJSON, #"{"d": null, "e": true, "f": false}"#)
        XCTAssertEqual(root["c"]?["d"]?.isNull, true)
        XCTAssertEqual(root["c"]?["d"]?.rawJSON, "null")
        XCTAssertEqual(root["c"]?["e"]?.bool, true)
        XCTAssertEqual(root["c"]?["f"]?.bool, false)
        XCTAssertEqual(root["c"]?["f"]?.rawJSON, "false")
        XCTAssertEqual(root["n"]?.rawJSON, "-1.5e3")
        XCTAssertEqual(root["n"]?.double, -1500)
        XCTAssertEqual(root["z"]?.rawJSON, "[]")
        XCTAssertEqual(root["z"]?.count, 0)
        XCTAssertEqual(root["z"]?.elements.map { $0 }.count, 0)
        XCTAssertNil(root["missing"])
        XCTAssertNil(root["a"]?["x"])
        XCTAssertNil(root[0])
        XCTAssertEqual(root.members.map(\.key), ["a", "b", "c", "n", "z"])
        XCTAssertEqual(root.memberNodes.map { $0.key.string }, ["a", "b", "c", "n", "z"])
        XCTAssertEqual(root.members.map { $0.value.kind }, [.array, .string, .object, .number, .array])
        XCTAssertEqual(Array(root.rawBytes), Array(text.trimmingCharacters(in: " ").utf8))
        XCTAssertEqual(root["a"]?.members.map(\.key), [])
        XCTAssertEqual(root["b"]?.count, 0)
        // Static-string and pre-encoded key variants.
        let keyC: JSONKey = "c"
        XCTAssertEqual(root[keyC]?["e"]?.bool, true)
        let s: StaticString = "b"
        XCTAssertEqual(root[s]?.string, "x\ny")
        XCTAssertNil(root[JSONKey("nope")])
        // toValue
        XCTAssertEqual(root.toValue(), [
            "a": [1, 2, 3], "b": "x\ny", "c": ["d": nil, "e": true, "f": false], "n": -1500.0, "z": [],
        ])
        XCTAssertEqual(try JSONDocument(string: "\"s\"").root.rawJSON, "\"s\"")
        XCTAssertEqual(try JSONDocument(string: " 12 ").root.rawJSON, "12")
        XCTAssertEqual(try JSONDocument(string: " true").root.rawJSON, "true")
    }

    func testNestedSkipping() throws {
        let doc = try JSONDocument(string: #"{"x":{"y":[[1,{"k":"v"}],[]],"k":"inner"},"k":"outer","arr":[{"k":1},{"k":2},[3]]}"#)
        XCTAssertEqual(doc.root["k"]?.string, "outer")
        XCTAssertEqual(doc.root["x"]?["k"]?.string, "inner")
        XCTAssertEqual(doc.root["x"]?["y"]?[0]?[1]?["k"]?.string, "v")
        XCTAssertEqual(doc.root["arr"]?.elements.map { $0["k"]?.int64 }, [1, 2, nil])
        XCTAssertEqual(doc.root["arr"]?[2]?[0]?.int64, 3)
        XCTAssertEqual(doc.root.count, 3)
    }

    func testDocumentIsSendable() async throws {
        let doc = try JSONDocument(string: "[1,2,3,4,5,6,7,8]")
        let sum = await withTaskGroup(of: Int64.self) { group in
            for i in 0..<8 { group.addTask { doc.root[i]?.int64 ?? 0 } }
            var s: Int64 = 0
            for await v in group { s += v }
            return s
        }
        XCTAssertEqual(sum, 36)
    }

    // MARK: transcript-shaped document

    func testTranscriptShapedDocument() throws {
        let transcript = makeTranscriptJSON(wordCount: 100_000)
        let doc = try JSONDocument(bytes: transcript.bytes)
        let root = doc.root
        XCTAssertEqual(root["status"]?.string, "completed")
        XCTAssertEqual(root["text"]?.string, transcript.text)
        guard let words = root["words"] else { return XCTFail("no words") }
        XCTAssertEqual(words.count, 100_000)
        var i = 0
        let kText: JSONKey = "text", kStart: JSONKey = "start", kEnd: JSONKey = "end", kConf: JSONKey = "confidence"
        for word in words.elements {
            let expected = transcript.words[i]
            XCTAssertEqual(word[kText]?.string, expected.text)
            XCTAssertEqual(word[kStart]?.int64, expected.start)
            XCTAssertEqual(word[kEnd]?.int64, expected.end)
            XCTAssertEqual(word[kConf]?.double, expected.confidence)
            XCTAssertEqual(word["speaker"]?.string, expected.speaker)
            i += 1
        }
        XCTAssertEqual(i, 100_000)
        guard let utterances = root["utterances"] else { return XCTFail("no utterances") }
        XCTAssertEqual(utterances.count, transcript.utteranceCount)
        var wordsInUtterances = 0
        var packed: [UInt8] = []
        for u in utterances.elements {
            XCTAssertNotNil(u["speaker"]?.string)
            XCTAssertTrue(u["text"]?.appendUnescapedString(to: &packed) ?? false)
            packed.append(0)
            wordsInUtterances += u["words"]?.count ?? 0
        }
        XCTAssertEqual(wordsInUtterances, 100_000)
        XCTAssertEqual(root["audio_duration"]?.double, Double(transcript.words.last?.end ?? 0) / 1000)
        // Whole-document conversion and round trip.
        let value = root.toValue()
        XCTAssertEqual(value["words"]?[99_999]?["text"]?.stringValue, transcript.words[99_999].text)
        XCTAssertEqual(try JSONValue.parse(value.serializedBytes()), value)
    }
}

// MARK: - helpers shared with JSONPerformanceTests

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct GeneratedTranscript {
    struct Word { var text: String; var start: Int64; var end: Int64; var confidence: Double; var speaker: String }
    var bytes: [UInt8]
    var text: String
    var words: [Word]
    var utteranceCount: Int
}

/// A transcript-shaped JSON document like the AssemblyAI API returns: top-level text, a words array
/// (text/start/end/confidence/speaker) and utterances that repeat their words.
func makeTranscriptJSON(wordCount: Int, wordsInUtterances: Bool = true) -> GeneratedTranscript {
    let vocabulary = ["the", "a", "meeting", "starts", "at", "noon,", "and", "we'll", "review", "Q3", "numbers.",
                      "Okay?", "café", "naïve", "résumé", "über", "日本", "\"quoted\"", "back\\slash", "so", "um",
                      "really", "interesting", "point", "I", "think", "that's", "right", "100%", "yes."]
    var rng = SplitMix64(seed: 7)
    var words: [GeneratedTranscript.Word] = []
    words.reserveCapacity(wordCount)
    var t: Int64 = 0
    var speaker = "A"
    for i in 0..<wordCount {
        if i % 40 == 0 && rng.next() % 2 == 0 { speaker = speaker == "A" ? "B" : "A" }
        let text = vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
        let start = t + Int64(rng.next() % 50)
        let end = start + 80 + Int64(rng.next() % 400)
        t = end
        let confidence = Double(50_000 + rng.next() % 50_000) / 100_000
        words.append(.init(text: text, start: start, end: end, confidence: confidence, speaker: speaker))
    }
    var out: [UInt8] = []
    out.reserveCapacity(wordCount * 110)
    func put(_ s: String) { out.append(contentsOf: s.utf8) }
    func putString(_ s: String) { JSONWriter.appendString(s, to: &out) }
    func putWord(_ w: GeneratedTranscript.Word) {
        put("{\"text\":"); putString(w.text)
        put(",\"start\":\(w.start),\"end\":\(w.end),\"confidence\":\(w.confidence),\"speaker\":")
        putString(w.speaker); put("}")
    }
    let fullText = words.map(\.text).joined(separator: " ")
    put("{\"id\":\"6rlr37ufsu-2b5c-4a2b-9c1e-3f1c0c3d9e7a\",\"status\":\"completed\",\"language_code\":\"en_us\",")
    put("\"audio_url\":\"https://example.com/audio.mp3\",\"text\":"); putString(fullText)
    put(",\"words\":[")
    for (i, w) in words.enumerated() {
        if i > 0 { put(",") }
        putWord(w)
    }
    put("],\"utterances\":[")
    var utteranceCount = 0
    var i = 0
    while i < words.count {
        var j = i
        while j < words.count && words[j].speaker == words[i].speaker { j += 1 }
        if utteranceCount > 0 { put(",") }
        let slice = words[i..<j]
        put("{\"speaker\":"); putString(words[i].speaker)
        put(",\"text\":"); putString(slice.map(\.text).joined(separator: " "))
        put(",\"start\":\(words[i].start),\"end\":\(words[j - 1].end),\"confidence\":0.93")
        if wordsInUtterances {
            put(",\"words\":[")
            for (k, w) in slice.enumerated() {
                if k > 0 { put(",") }
                putWord(w)
            }
            put("]")
        }
        put("}")
        utteranceCount += 1
        i = j
    }
    put("],\"confidence\":0.9312,\"audio_duration\":\(Double(words.last?.end ?? 0) / 1000),")
    put("\"punctuate\":true,\"format_text\":true,\"speaker_labels\":true,\"webhook_url\":null,\"chapters\":null}")
    return GeneratedTranscript(bytes: out, text: fullText, words: words, utteranceCount: utteranceCount)
}

extension String {
    fileprivate func trimmingCharacters(in c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s.removeFirst() }
        while s.last == c { s.removeLast() }
        return String(s)
    }
}
