import XCTest
@testable import AssemblyAI

/// The word table (words read once into flat memory) and the member reader it is built with:
/// every answer must equal the one `node[key]` gives, whatever the key order, escapes or duplicates.
final class WordTableTests: XCTestCase {
    func testMemberReaderMatchesSubscriptLookups() throws {
        let json = #"""
        [{"a":1,"bb":2,"ccc":3},
         {"ccc":30,"a":10,"bb":20},
         {"a":100,"a":101,"zz":0},
         {"\u0061":7,"b\u0062":8,"ccc":{"a":9}},
         {"aa":1,"bbb":2,"cc":3},
         "not an object",
         {},
         {"a":[1,2],"x":{"bb":5},"bb":null}]
        """#
        let doc = try JSONDocument(string: json)
        var reader = MemberReader(keys: ["a", "bb", "ccc"])
        var seen = 0
        for object in doc.root.elements {
            reader.read(object)
            for (k, key) in ["a", "bb", "ccc"].enumerated() {
                XCTAssertEqual(reader.value(k)?.rawJSON, object[key]?.rawJSON, "key \(key) of \(object.rawJSON)")
            }
            seen += 1
        }
        XCTAssertEqual(seen, 8)
        // Spot checks of the cases above: first duplicate wins, escaped keys match, prefixes do not.
        reader.read(doc.root[2]!)
        XCTAssertEqual(reader.value(0)?.int64, 100)
        reader.read(doc.root[3]!)
        XCTAssertEqual(reader.value(1)?.int64, 8)
        reader.read(doc.root[4]!)
        XCTAssertNil(reader.value(0))
        XCTAssertNil(reader.value(1))
    }

    func testKeysThatNeedEscapingAndKeysAtTheEnd() throws {
        let doc = try JSONDocument(string: #"{"q\"k":1,"back\\slash":2,"ab":3}"#)
        XCTAssertEqual(doc.root["q\"k"]?.int64, 1)
        XCTAssertEqual(doc.root["back\\slash"]?.int64, 2)
        XCTAssertNil(doc.root["q"])
        XCTAssertNil(doc.root["abc"], "longer than the last key, which ends near the end of the document")
        XCTAssertNil(doc.root[String(repeating: "x", count: 64)])
    }

    func testWordTableEqualsTheDocumentsWords() throws {
        let json = #"""
        {"id":"t","status":"completed","words":[
          {"text":"Hello,","start":0,"end":10,"confidence":0.5,"speaker":"A","channel":null},
          {"start":20,"text":"w\u00f6rld.","end":30,"confidence":1,"speaker":"A"},
          {"text":"","start":40,"end":50,"confidence":0.25,"speaker":"B","channel":"2"},
          {"text":"say \"hi\"","confidence":0.75,"speaker":"\u0042"},
          {"text":7,"start":"x","end":60,"speaker":3},
          {"text":"end.","start":70,"end":80,"confidence":0.125}
        ]}
        """#
        let transcript = try Transcript(document: JSONDocument(string: json))
        let table = transcript.wordTable
        XCTAssertTrue(table === transcript.wordTable, "built once")
        let words = transcript.words
        XCTAssertEqual(table.count, words.count)
        for (i, w) in words.enumerated() {
            XCTAssertEqual(table.string(i), w.text, "word \(i)")
            XCTAssertEqual(table.start(i), w.start)
            XCTAssertEqual(table.end(i), w.end)
            XCTAssertEqual(table.confidence(i), w.confidence)
            XCTAssertEqual(table.speaker(i), w.speaker)
            XCTAssertEqual(table.records![i].channel.map { String(cString: $0) }, w.channel)
            // The C view: NUL-terminated text.
            XCTAssertEqual(String(cString: table.records![i].text!), w.text)
        }
        // Equal labels are stored once (the exports compare speakers by address).
        XCTAssertEqual(table.speakerID(0), table.speakerID(1))
        XCTAssertEqual(table.speakerID(2), table.speakerID(3), #""B" and "\u0042" are one label"#)
        XCTAssertNotEqual(table.speakerID(0), table.speakerID(2))
        XCTAssertNil(table.speakerID(4))
    }

    func testNoWords() throws {
        for json in [#"{"id":"t","status":"queued"}"#, #"{"id":"t","status":"queued","words":null}"#,
                     #"{"id":"t","status":"queued","words":[]}"#] {
            let table = try Transcript(document: JSONDocument(string: json)).wordTable
            XCTAssertEqual(table.count, 0)
            XCTAssertNil(table.records)
        }
    }

    func testWordTableIsBuiltOnceAcrossThreads() async throws {
        let transcript = try Transcript(document: JSONDocument(bytes: makeTranscriptJSON(wordCount: 5_000).bytes))
        let ids = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<16 { group.addTask { ObjectIdentifier(transcript.wordTable) } }
            return await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }
        XCTAssertEqual(ids.count, 1)
        XCTAssertEqual(transcript.wordTable.count, 5_000)
    }

    func testCaptionsCountLongWordsExactly() throws {
        // The table keeps scalar counts up to 126 per word; longer words are counted on use.
        let long = String(repeating: "é", count: 130)
        let json = #"{"id":"t","status":"completed","words":[{"text":"\#(long)","start":0,"end":10},{"text":"b.","start":10,"end":20}]}"#
        let transcript = try Transcript(document: JSONDocument(string: json))
        // 130 + 1 + 2 = 133 characters: two captions at 131, one at 133.
        XCTAssertEqual(try transcript.localSubtitles(format: .srt, charsPerCaption: 131),
                       "1\n00:00:00,000 --> 00:00:00,010\n\(long)\n\n2\n00:00:00,010 --> 00:00:00,020\nb.\n")
        XCTAssertEqual(try transcript.localSubtitles(format: .vtt, charsPerCaption: 133),
                       "WEBVTT\n\n00:00.000 --> 00:00.020\n\(long) b.\n")
    }
}
