// The typed answers of the transcript lookups that come back as JSON (`JSONResponse`):
// sentences and paragraphs, word search, and a page of the transcript list. Read leniently, like
// the results: a missing number is 0 (or nil where said), a missing text "" (or nil where said).

/// A sentence or a paragraph of a transcript (`TranscriptSentence` / `TranscriptParagraph` in
/// the API), with its words: the shape of an ``Utterance`` without translations.
public struct TranscriptSegment: Sendable, Equatable {
    public var text: String
    /// The starting time, in milliseconds, of the segment.
    public var start: Int64
    /// The ending time, in milliseconds, of the segment.
    public var end: Int64
    /// The confidence score for the transcript of the segment, 0 to 1.
    public var confidence: Double
    /// The speaker of the segment if Speaker Diarization is enabled, else nil.
    public var speaker: String?
    /// The channel of the segment, with multichannel transcription.
    public var channel: String?
    public var words: [Word]

    public init(text: String, start: Int64, end: Int64, confidence: Double, speaker: String?, channel: String?, words: [Word]) {
        self.text = text
        self.start = start
        self.end = end
        self.confidence = confidence
        self.speaker = speaker
        self.channel = channel
        self.words = words
    }

    /// Decodes a `TranscriptSentence` or `TranscriptParagraph` object.
    public init(json node: JSONNode) {
        self.init(text: node.text(ResultKeys.text), start: node.int64(ResultKeys.start), end: node.int64(ResultKeys.end),
                  confidence: node.double(ResultKeys.confidence), speaker: node.optionalText(ResultKeys.speaker),
                  channel: node.optionalText(ResultKeys.channel),
                  words: node[ResultKeys.words]?.decodedArray(Word.init(json:)) ?? [])
    }
}

/// Where one searched word or phrase occurs (`WordSearchMatch` in the API).
public struct WordSearchMatch: Sendable, Equatable {
    /// The word or phrase searched; nil if the server sent none.
    public var text: String?
    /// How many times it occurs.
    public var count: Int64
    /// The occurrences, from `[start, end]` pairs in milliseconds.
    public var timestamps: [Timestamp]
    /// The positions of the occurrences in the transcript's words.
    public var indexes: [Int64]

    public init(text: String?, count: Int64, timestamps: [Timestamp], indexes: [Int64]) {
        self.text = text
        self.count = count
        self.timestamps = timestamps
        self.indexes = indexes
    }

    /// Decodes a `WordSearchMatch` object.
    public init(json node: JSONNode) {
        self.init(text: node.optionalText(ResultKeys.text), count: node.int64(ResultKeys.count),
                  timestamps: node[ResultKeys.timestamps]?.decodedArray { Timestamp(start: $0[0]?.int64 ?? 0, end: $0[1]?.int64 ?? 0) } ?? [],
                  indexes: node[ResultKeys.indexes]?.decodedArray { $0.int64 ?? 0 } ?? [])
    }
}

/// The answer of a word search (`WordSearchResponse`).
public struct WordSearchResult: Sendable, Equatable {
    /// The total number of matches of every term (`total_count`).
    public var totalCount: Int64
    /// One entry per term, in the server's order.
    public var matches: [WordSearchMatch]

    public init(totalCount: Int64, matches: [WordSearchMatch]) {
        self.totalCount = totalCount
        self.matches = matches
    }

    /// Decodes a `WordSearchResponse` object.
    public init(json node: JSONNode) {
        self.init(totalCount: node.int64(ResultKeys.totalCount),
                  matches: node[ResultKeys.matches]?.decodedArray(WordSearchMatch.init(json:)) ?? [])
    }
}

/// One transcript of a list page (`TranscriptListItem`); a string the server did not send is nil.
public struct TranscriptListItem: Sendable, Equatable {
    public var id: String?
    public var resourceURL: String?
    /// "queued", "processing", "completed" or "error".
    public var status: String?
    public var created: String?
    /// When it completed; nil until then.
    public var completed: String?
    public var audioURL: String?
    /// The error, if the status is "error".
    public var error: String?

    public init(id: String?, resourceURL: String?, status: String?, created: String?, completed: String?, audioURL: String?,
                error: String?) {
        self.id = id
        self.resourceURL = resourceURL
        self.status = status
        self.created = created
        self.completed = completed
        self.audioURL = audioURL
        self.error = error
    }

    /// Decodes a `TranscriptListItem` object.
    public init(json node: JSONNode) {
        self.init(id: node.optionalText(ResultKeys.id), resourceURL: node.optionalText(ResultKeys.resourceURL),
                  status: node.optionalText(ResultKeys.status), created: node.optionalText(ResultKeys.created),
                  completed: node.optionalText(ResultKeys.completed), audioURL: node.optionalText(ResultKeys.audioURL),
                  error: node.optionalText(ResultKeys.error))
    }
}

/// One page of the transcript list (`TranscriptList`): its transcripts and `page_details`.
public struct TranscriptList: Sendable, Equatable {
    public var transcripts: [TranscriptListItem]
    /// The page's size limit and how many transcripts it holds; nil when absent.
    public var limit: Int64?
    public var resultCount: Int64?
    /// This page's URL, and those of the next older (`prevURL`) and newer (`nextURL`) pages.
    public var currentURL: String?
    public var prevURL: String?
    public var nextURL: String?

    public init(transcripts: [TranscriptListItem], limit: Int64?, resultCount: Int64?, currentURL: String?, prevURL: String?,
                nextURL: String?) {
        self.transcripts = transcripts
        self.limit = limit
        self.resultCount = resultCount
        self.currentURL = currentURL
        self.prevURL = prevURL
        self.nextURL = nextURL
    }

    /// Decodes a `TranscriptList` object.
    public init(json node: JSONNode) {
        let page = node[ResultKeys.pageDetails]
        self.init(transcripts: node[ResultKeys.transcripts]?.decodedArray(TranscriptListItem.init(json:)) ?? [],
                  limit: page?[ResultKeys.limit]?.int64, resultCount: page?[ResultKeys.resultCount]?.int64,
                  currentURL: page?.optionalText(ResultKeys.currentURL), prevURL: page?.optionalText(ResultKeys.prevURL),
                  nextURL: page?.optionalText(ResultKeys.nextURL))
    }

    /// `before_id` of ``prevURL``: the cursor to the next older page (the official SDK's
    /// `before_id_of_prev_url`); nil without one.
    public var beforeIdOfPrevURL: String? {
        guard let prev = prevURL, let q = prev.firstIndex(of: "?") else { return nil }
        for pair in prev[prev.index(after: q)...].split(separator: "&") where pair.hasPrefix("before_id=") {
            return String(pair.dropFirst("before_id=".count))
        }
        return nil
    }
}

extension JSONResponse {
    /// The sentences of a `SentencesResponse` (``Transcriber/sentences(id:)``).
    public var sentences: [TranscriptSegment] { json[ResultKeys.sentences]?.decodedArray(TranscriptSegment.init(json:)) ?? [] }
    /// The paragraphs of a `ParagraphsResponse` (``Transcriber/paragraphs(id:)``).
    public var paragraphs: [TranscriptSegment] { json[ResultKeys.paragraphs]?.decodedArray(TranscriptSegment.init(json:)) ?? [] }
    /// A `WordSearchResponse` (``Transcriber/wordSearch(id:words:)``).
    public var wordSearchResult: WordSearchResult { WordSearchResult(json: json) }
    /// A page of the transcript list, `TranscriptList` (``Transcriber/list(limit:status:createdOn:beforeId:afterId:throttledOnly:)``).
    public var transcriptList: TranscriptList { TranscriptList(json: json) }
}
