// The word lists behind the server's deterministic "models". docs/local-server.md prints every
// list; keep the two in step (tests and the library's own computations rely on them).
// Every list is compared against a word's core (punctuation stripped at both ends), lowercased
// unless the list says "case-sensitive".

enum WordLists {
    /// Dropped from the words unless `disfluencies: true`.
    static let fillers: Set<String> = ["um", "umm", "uh", "uhm", "hmm", "mhm", "uh-huh", "er", "erm", "ah"]

    /// Masked by `filter_profanity: true` (first letter kept, the rest `*`).
    static let profanity: Set<String> = ["damn", "shit", "fuck", "fucking", "bitch", "bastard", "crap", "asshole", "dick", "piss"]

    /// A word `Core.` with one of these cores (case-sensitive) does not end a sentence.
    static let abbreviations: Set<String> = ["Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr"]

    /// Never key phrases (auto_highlights).
    static let stopwords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "if", "so", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have",
        "has", "had", "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my",
        "your", "his", "its", "our", "their", "this", "that", "these", "those", "there", "here", "what",
        "which", "who", "not", "no", "yes", "can", "will", "would", "just", "very", "too", "also", "then",
        "than", "all", "any", "some", "about", "into", "out", "up", "down", "over", "again", "how", "why",
        "when", "where", "more", "most", "much", "many", "one", "get", "got", "like", "well", "oh", "okay",
    ]

    // MARK: Sentiment (sentiment_analysis)

    static let positive: Set<String> = [
        "good", "great", "excellent", "happy", "love", "like", "wonderful", "amazing", "best", "nice",
        "thank", "thanks", "glad", "enjoy", "fantastic", "perfect", "better", "awesome", "beautiful", "pleased",
    ]
    static let negative: Set<String> = [
        "bad", "terrible", "awful", "sad", "hate", "worst", "poor", "angry", "horrible", "wrong", "problem",
        "sorry", "unfortunately", "fail", "failed", "worse", "disappointed", "difficult", "dangerous", "hurt",
    ]

    // MARK: Content safety (content_safety): label -> trigger words

    static let contentSafety: [(label: String, words: Set<String>)] = [
        ("accidents", ["crash", "crashed", "accident", "collision", "injured"]),
        ("alcohol", ["beer", "wine", "vodka", "whiskey", "drunk"]),
        ("crime_violence", ["kill", "killed", "murder", "attack", "shooting", "robbery"]),
        ("disasters", ["wildfire", "wildfires", "earthquake", "flood", "hurricane", "tornado"]),
        ("drugs", ["cocaine", "heroin", "drugs", "overdose"]),
        ("gambling", ["casino", "poker", "gambling", "jackpot"]),
        ("health_issues", ["cancer", "disease", "illness", "pandemic", "asthma"]),
        ("profanity", profanity),
        ("weapons", ["gun", "guns", "rifle", "weapon", "weapons", "pistol"]),
    ]

    // MARK: Topics (iab_categories): IAB label -> keywords

    static let topics: [(label: String, words: Set<String>)] = [
        ("Business>Business and Finance", ["money", "bank", "stock", "stocks", "market", "economy", "business"]),
        ("Education", ["school", "student", "students", "university", "professor", "teacher", "lesson"]),
        ("Food & Drink", ["food", "pizza", "cooking", "recipe", "restaurant", "coffee"]),
        ("Healthy Living", ["health", "doctor", "hospital", "exercise", "medicine"]),
        ("Movies", ["movie", "movies", "film", "cinema", "actor"]),
        ("Music and Audio", ["music", "song", "songs", "guitar", "album", "concert"]),
        ("News and Politics>Politics", ["election", "president", "government", "senate", "vote"]),
        ("Science>Environment", ["climate", "weather", "smoke", "wildfire", "wildfires", "pollution", "air"]),
        ("Sports", ["football", "soccer", "basketball", "tennis", "goal", "team"]),
        ("Technology & Computing", ["computer", "software", "code", "programming", "internet", "app"]),
        ("Travel", ["travel", "flight", "hotel", "airport", "vacation", "trip"]),
    ]

    // MARK: Entities (entity_detection, redact_pii)

    /// Titles (case-sensitive cores) that make the capitalized words after them a person_name.
    static let titles: Set<String> = ["Mr", "Mrs", "Ms", "Dr", "Prof"]

    /// Case-sensitive; multi-word entries match consecutive words.
    static let locations: [String] = [
        "New York", "San Francisco", "Los Angeles", "London", "Paris", "Berlin", "Tokyo", "Chicago",
        "Boston", "Toronto", "Sydney", "Madrid", "Rome", "Dublin", "Canada", "France", "Germany", "Japan",
        "Spain", "Italy", "Ireland", "Maine", "Maryland", "Minnesota",
    ]

    /// Case-sensitive, one word each.
    static let organizations: Set<String> = ["AssemblyAI", "Google", "Microsoft", "Apple", "Amazon", "NASA", "NPR"]

    /// Case-sensitive month names (date).
    static let months: Set<String> = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    // MARK: Language detection

    /// Checked in this order; the first language with the most hits wins.
    static let languages: [(code: String, words: Set<String>)] = [
        ("en", ["the", "and", "is", "are", "of", "to", "that", "it", "you", "this", "was", "for", "with"]),
        ("es", ["el", "la", "los", "las", "y", "es", "que", "un", "una", "por", "con", "para", "del"]),
        ("fr", ["le", "les", "et", "est", "une", "des", "pour", "avec", "dans", "il", "elle", "du"]),
        ("de", ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "zu", "den", "ich"]),
    ]
}
