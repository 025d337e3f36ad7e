import XCTest
@testable import AssemblyAI

/// The typed results of a transcript (utterances and audio intelligence), decoded from a transcript
/// written by hand after the `Transcript` schema of the spec, with the values of its examples.
final class ResultsTests: XCTestCase {
    static let fixture = #"""
    {"id": "9ea68fd3-f953-42c1-9742-976c447fb463", "status": "completed",
     "audio_url": "https://assembly.ai/wildfires.mp3", "text": "Smoke from hundreds",
     "language_code": "en_us", "language_detection": true, "language_confidence": 0.9912,
     "words": [
       {"text": "Smoke", "start": 250, "end": 650, "confidence": 0.97465, "speaker": "A", "channel": null},
       {"text": "from", "start": 730, "end": 1022, "confidence": 0.99999, "speaker": "A", "channel": null},
       {"text": "hundreds", "start": 1076, "end": 1418, "confidence": 0.99844, "speaker": "B", "channel": null}],
     "utterances": [
       {"confidence": 0.9359033333333334, "start": 250, "end": 1022, "text": "Smoke from",
        "words": [
          {"text": "Smoke", "start": 250, "end": 650, "confidence": 0.97465, "speaker": "A", "channel": null},
          {"text": "from", "start": 730, "end": 1022, "confidence": 0.99999, "speaker": "A", "channel": null}],
        "speaker": "A", "channel": null},
       {"confidence": 0.99844, "start": 1076, "end": 1418, "text": "hundreds",
        "words": [{"text": "hundreds", "start": 1076, "end": 1418, "confidence": 0.99844, "speaker": "B", "channel": "2"}],
        "speaker": "B", "channel": "2", "translated_texts": {"de": "Hunderte", "fr": "Des centaines"}}],
     "auto_highlights": true,
     "auto_highlights_result": {"status": "success", "results": [
       {"count": 1, "rank": 0.08, "text": "air quality alerts", "timestamps": [{"start": 3978, "end": 5114}]},
       {"count": 3, "rank": 0.07, "text": "weather systems", "timestamps": [
         {"start": 47344, "end": 47958}, {"start": 205268, "end": 205818}, {"start": 211588, "end": 213434}]}]},
     "content_safety": true,
     "content_safety_labels": {"status": "success",
       "results": [{"text": "Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.",
         "labels": [{"label": "disasters", "confidence": 0.8142836093902588, "severity": 0.4093044400215149},
                    {"label": "health_issues", "confidence": 0.25, "severity": 0}],
         "sentences_idx_start": 0, "sentences_idx_end": 5, "timestamp": {"start": 250, "end": 28840}}],
       "summary": {"disasters": 0.9940800441842205, "health_issues": 0.9216489289040967},
       "severity_score_summary": {
         "disasters": {"low": 0.5733263024656846, "medium": 0.42667369753431533, "high": 0.0},
         "health_issues": {"low": 0.22863814977924785, "medium": 0.45014154926938227, "high": 0.32122030095136983}}},
     "iab_categories": true,
     "iab_categories_result": {"status": "success",
       "results": [{"text": "Smoke from hundreds of wildfires",
         "labels": [{"relevance": 0.988274097442627, "label": "Home&Garden>IndoorEnvironmentalQuality"},
                    {"relevance": 0.5821335911750793, "label": "NewsAndPolitics>Weather"}],
         "timestamp": {"start": 250, "end": 28840}},
         {"text": "Good morning.", "labels": []}],
       "summary": {"NewsAndPolitics>Weather": 1.0, "Home&Garden>IndoorEnvironmentalQuality": 0.9043831825256348}},
     "summarization": true, "summary_type": "bullets", "summary_model": "informative",
     "summary": "- Smoke from hundreds of wildfires in Canada is triggering air quality alerts.\n- Peter de Carlo says \"stay inside\".",
     "auto_chapters": true,
     "chapters": [
       {"summary": "Smoke from hundreds of wildfires in Canada is triggering air quality alerts.",
        "gist": "Smoggy air quality alerts across US", "headline": "Smoke from hundreds of wildfires in Canada",
        "start": 250, "end": 28840},
       {"summary": "Caf\u00e9 talk.", "gist": "caf\u00e9", "headline": "Caf\u00e9", "start": 29610, "end": 62640}],
     "sentiment_analysis": true,
     "sentiment_analysis_results": [
       {"text": "Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.",
        "start": 250, "end": 6350, "sentiment": "NEGATIVE", "confidence": 0.8181032538414001, "speaker": null},
       {"text": "Good morning.", "start": 6500, "end": 7000, "sentiment": "POSITIVE", "confidence": 0.75, "speaker": "B", "channel": "2"},
       {"text": "So what is it?", "start": 7100, "end": 8000, "sentiment": "NEUTRAL", "confidence": 0.5, "speaker": "A"},
       {"text": "Hm.", "start": 8100, "end": 8200, "sentiment": "MIXED", "confidence": 0.25, "speaker": "A"}],
     "entity_detection": true,
     "entities": [
       {"entity_type": "location", "text": "Canada", "start": 2548, "end": 3130},
       {"entity_type": "person_name", "text": "Peter de Carlo", "start": 18948, "end": 19930}]}
    """#

    func transcript(_ json: String = ResultsTests.fixture) throws -> Transcript {
        try Transcript(json: Array(json.utf8))
    }

    func testUtterancesWithTheirWords() throws {
        let utterances = try XCTUnwrap(try transcript().utterances)
        XCTAssertEqual(utterances, [
            Utterance(text: "Smoke from", start: 250, end: 1022, confidence: 0.9359033333333334, speaker: "A", channel: nil,
                      words: [Word(text: "Smoke", start: 250, end: 650, confidence: 0.97465, speaker: "A", channel: nil),
                              Word(text: "from", start: 730, end: 1022, confidence: 0.99999, speaker: "A", channel: nil)]),
            Utterance(text: "hundreds", start: 1076, end: 1418, confidence: 0.99844, speaker: "B", channel: "2",
                      words: [Word(text: "hundreds", start: 1076, end: 1418, confidence: 0.99844, speaker: "B", channel: "2")],
                      translatedTexts: [Labeled(label: "de", value: "Hunderte"), Labeled(label: "fr", value: "Des centaines")]),
        ])
        XCTAssertEqual(utterances[1].translatedTexts?.value(for: "fr"), "Des centaines")
        XCTAssertNil(utterances[1].translatedTexts?.value(for: "es"))
    }

    func testChaptersSummaryAndLanguage() throws {
        let t = try transcript()
        XCTAssertEqual(t.chapters, [
            Chapter(gist: "Smoggy air quality alerts across US", headline: "Smoke from hundreds of wildfires in Canada",
                    summary: "Smoke from hundreds of wildfires in Canada is triggering air quality alerts.", start: 250, end: 28840),
            Chapter(gist: "café", headline: "Café", summary: "Café talk.", start: 29610, end: 62640),
        ])
        XCTAssertEqual(t.summary, "- Smoke from hundreds of wildfires in Canada is triggering air quality alerts.\n"
                                  + "- Peter de Carlo says \"stay inside\".")
        XCTAssertEqual(t.languageCode, "en_us")
        XCTAssertEqual(t.languageConfidence, 0.9912)
    }

    func testSentimentAnalysis() throws {
        XCTAssertEqual(try transcript().sentimentAnalysisResults, [
            SentimentAnalysisResult(text: "Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.",
                                    start: 250, end: 6350, sentiment: .negative, confidence: 0.8181032538414001, speaker: nil),
            SentimentAnalysisResult(text: "Good morning.", start: 6500, end: 7000, sentiment: .positive, confidence: 0.75,
                                    speaker: "B", channel: "2"),
            SentimentAnalysisResult(text: "So what is it?", start: 7100, end: 8000, sentiment: .neutral, confidence: 0.5, speaker: "A"),
            SentimentAnalysisResult(text: "Hm.", start: 8100, end: 8200, sentiment: .other("MIXED"), confidence: 0.25, speaker: "A"),
        ])
        XCTAssertEqual(Sentiment("NEGATIVE").rawValue, "NEGATIVE")
        XCTAssertEqual(Sentiment("MIXED").rawValue, "MIXED")
    }

    func testEntities() throws {
        XCTAssertEqual(try transcript().entities, [
            Entity(entityType: "location", text: "Canada", start: 2548, end: 3130),
            Entity(entityType: "person_name", text: "Peter de Carlo", start: 18948, end: 19930),
        ])
    }

    func testAutoHighlights() throws {
        XCTAssertEqual(try transcript().autoHighlightsResult, AutoHighlightsResult(status: .success, results: [
            AutoHighlightResult(text: "air quality alerts", rank: 0.08, count: 1, timestamps: [Timestamp(start: 3978, end: 5114)]),
            AutoHighlightResult(text: "weather systems", rank: 0.07, count: 3, timestamps: [
                Timestamp(start: 47344, end: 47958), Timestamp(start: 205268, end: 205818), Timestamp(start: 211588, end: 213434),
            ]),
        ]))
    }

    func testContentSafety() throws {
        let result = try XCTUnwrap(try transcript().contentSafetyLabels)
        XCTAssertEqual(result.status, .success)
        XCTAssertEqual(result.results, [
            ContentSafetyLabelResult(
                text: "Smoke from hundreds of wildfires in Canada is triggering air quality alerts throughout the US.",
                labels: [ContentSafetyLabel(label: "disasters", confidence: 0.8142836093902588, severity: 0.4093044400215149),
                         ContentSafetyLabel(label: "health_issues", confidence: 0.25, severity: 0)],
                sentencesIdxStart: 0, sentencesIdxEnd: 5, timestamp: Timestamp(start: 250, end: 28840)),
        ])
        XCTAssertEqual(result.summary, [Labeled(label: "disasters", value: 0.9940800441842205),
                                        Labeled(label: "health_issues", value: 0.9216489289040967)])
        XCTAssertEqual(result.severityScoreSummary, [
            Labeled(label: "disasters", value: SeverityScoreSummary(low: 0.5733263024656846, medium: 0.42667369753431533, high: 0.0)),
            Labeled(label: "health_issues",
                    value: SeverityScoreSummary(low: 0.22863814977924785, medium: 0.45014154926938227, high: 0.32122030095136983)),
        ])
        XCTAssertEqual(result.summary.value(for: "health_issues"), 0.9216489289040967)
    }

    func testTopicDetection() throws {
        XCTAssertEqual(try transcript().iabCategoriesResult, TopicDetectionModelResult(
            status: .success,
            results: [
                TopicDetectionResult(text: "Smoke from hundreds of wildfires", labels: [
                    TopicDetectionLabel(label: "Home&Garden>IndoorEnvironmentalQuality", relevance: 0.988274097442627),
                    TopicDetectionLabel(label: "NewsAndPolitics>Weather", relevance: 0.5821335911750793),
                ], timestamp: Timestamp(start: 250, end: 28840)),
                TopicDetectionResult(text: "Good morning.", labels: [], timestamp: nil),
            ],
            summary: [Labeled(label: "NewsAndPolitics>Weather", value: 1.0),
                      Labeled(label: "Home&Garden>IndoorEnvironmentalQuality", value: 0.9043831825256348)]))
    }

    func testAbsentNullAndMistypedFieldsAreNoResult() throws {
        let cases = [
            #"{"id": "a", "status": "processing"}"#,
            #"{"id": "b", "status": "completed", "utterances": null, "chapters": null, "sentiment_analysis_results": null,"#
                + #" "entities": null, "auto_highlights_result": null, "content_safety_labels": null,"#
                + #" "iab_categories_result": null, "summary": null, "language_code": null, "language_confidence": null}"#,
            #"{"id": "c", "status": "completed", "utterances": {}, "chapters": "x", "sentiment_analysis_results": 1,"#
                + #" "entities": true, "auto_highlights_result": [], "content_safety_labels": "no", "iab_categories_result": 7,"#
                + #" "summary": ["a"], "language_code": 3, "language_confidence": "high"}"#,
        ]
        for json in cases {
            let t = try transcript(json)
            XCTAssertNil(t.utterances, json)
            XCTAssertNil(t.chapters, json)
            XCTAssertNil(t.sentimentAnalysisResults, json)
            XCTAssertNil(t.entities, json)
            XCTAssertNil(t.autoHighlightsResult, json)
            XCTAssertNil(t.contentSafetyLabels, json)
            XCTAssertNil(t.iabCategoriesResult, json)
            XCTAssertNil(t.summary, json)
            XCTAssertNil(t.languageCode, json)
            XCTAssertNil(t.languageConfidence, json)
        }
        // Requested but empty, and a model that failed.
        let t = try transcript(#"{"id": "d", "status": "completed", "utterances": [], "entities": [],"#
            + #" "auto_highlights_result": {"status": "unavailable", "results": []},"#
            + #" "content_safety_labels": {"status": "unavailable", "results": [], "summary": {}, "severity_score_summary": {}},"#
            + #" "iab_categories_result": {"status": "brand-new", "results": [], "summary": {}}}"#)
        XCTAssertEqual(t.utterances, [])
        XCTAssertEqual(t.entities, [])
        XCTAssertEqual(t.autoHighlightsResult, AutoHighlightsResult(status: .unavailable, results: []))
        XCTAssertEqual(t.contentSafetyLabels, ContentSafetyLabelsResult(status: .unavailable, results: [], summary: [],
                                                                        severityScoreSummary: []))
        XCTAssertEqual(t.iabCategoriesResult?.status, .other("brand-new"))
        XCTAssertEqual(t.iabCategoriesResult?.status.rawValue, "brand-new")
    }

    func testMissingMembersGetDefaults() throws {
        let t = try transcript(#"{"id": "e", "status": "completed", "utterances": [{}], "entities": [{"text": null}],"#
            + #" "sentiment_analysis_results": [{"sentiment": 7}], "chapters": [{"start": 1.5e3, "end": 2.5}],"#
            + #" "content_safety_labels": {"results": [{"timestamp": null}], "summary": {"x": "high"}}}"#)
        XCTAssertEqual(t.utterances, [Utterance(text: "", start: 0, end: 0, confidence: 0, speaker: nil, words: [])])
        XCTAssertEqual(t.entities, [Entity(entityType: "", text: "", start: 0, end: 0)])
        XCTAssertEqual(t.sentimentAnalysisResults?.first?.sentiment, .other(""))
        // 1.5e3 is the integer 1500; 2.5 is not an integer, so it reads as 0.
        XCTAssertEqual(t.chapters, [Chapter(gist: "", headline: "", summary: "", start: 1500, end: 0)])
        XCTAssertEqual(t.contentSafetyLabels, ContentSafetyLabelsResult(
            status: .other(""),
            results: [ContentSafetyLabelResult(text: "", labels: [], sentencesIdxStart: 0, sentencesIdxEnd: 0,
                                               timestamp: Timestamp(start: 0, end: 0))],
            summary: [Labeled(label: "x", value: 0)], severityScoreSummary: []))
    }

    func testTranscriptFromJSON() throws {
        let t = try transcript()
        XCTAssertEqual(t.id, "9ea68fd3-f953-42c1-9742-976c447fb463")
        XCTAssertEqual(t.status, .completed)
        XCTAssertEqual(t.words.count, 3)
        XCTAssertEqual(t.document.bytes, Array(ResultsTests.fixture.utf8))
        let bad: [(String, String)] = [
            (#"{"id": "x", "status": "#, "not valid JSON"),
            ("", "not valid JSON"),
            ("[1, 2]", "not an object"),
            (#"{"id": "x"}"#, #"needs a string "id" and "status""#),
            (#"{"id": 7, "status": "queued"}"#, #"needs a string "id" and "status""#),
        ]
        for (json, message) in bad {
            XCTAssertThrowsError(try transcript(json), json) { error in
                let e = error as? AssemblyAIError
                XCTAssertEqual(e?.code, .invalidArgument, json)
                XCTAssertTrue(e?.message.contains(message) == true, "\(json): \(e?.message ?? "")")
            }
        }
    }

    func testRawNodesForCallersThatWalkTheTape() throws {
        let t = try transcript()
        XCTAssertEqual(t.utteranceNodes?.count, 2)
        XCTAssertEqual(t.chapterNodes?.count, 2)
        XCTAssertEqual(t.sentimentAnalysisNodes?.count, 4)
        XCTAssertEqual(t.entityNodes?.count, 2)
        XCTAssertEqual(t.autoHighlightsNode?["status"]?.string, "success")
        XCTAssertEqual(t.contentSafetyNode?["summary"]?.count, 2)
        XCTAssertEqual(t.iabCategoriesNode?["results"]?.count, 2)
        XCTAssertNil(try transcript(#"{"id": "x", "status": "queued", "utterances": {}}"#).utteranceNodes)
    }

    /// Decoding 100k words of utterances stays well within a second (the tape is walked once).
    func testLargeTranscriptDecodes() throws {
        var json = #"{"id": "big", "status": "completed", "utterances": ["#
        for u in 0..<2000 {
            json += u == 0 ? "" : ","
            json += #"{"text": "turn \#(u)", "start": 0, "end": 1, "confidence": 0.5, "speaker": "A", "words": ["#
            for w in 0..<50 {
                json += (w == 0 ? "" : ",") + #"{"text": "w\#(u * 50 + w)", "start": \#(w), "end": \#(w + 1), "confidence": 0.9, "speaker": "A"}"#
            }
            json += "]}"
        }
        json += "]}"
        let t = try transcript(json)
        let start = ContinuousClock.now
        let utterances = try XCTUnwrap(t.utterances)
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(utterances.count, 2000)
        XCTAssertEqual(utterances.reduce(0) { $0 + $1.words.count }, 100_000)
        XCTAssertEqual(utterances[1999].words[49].text, "w99999")
        XCTAssertLessThan(elapsed, .seconds(5))
    }
}
