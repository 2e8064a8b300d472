import SQLSchema

/// A language search understands: the 13 Bedrock Chat's bot store offers (its codes; one per
/// deployment there, any number at once here) and Vietnamese.
public enum SearchLanguage: String, Sendable, CaseIterable {
    case english = "en", german = "de", french = "fr", spanish = "es", italian = "it", norwegian = "nb", indonesian = "id", malay = "ms"
    case japanese = "ja", korean = "ko", chineseSimplified = "zhhans", chineseTraditional = "zhhant", thai = "th"
    case vietnamese = "vi"

    /// PostgreSQL's Snowball stemmer for the language (`<name>_stem`), or nil: words as written.
    /// Malay has none of its own; Indonesian's shares its affixes (me-, ber-, -kan, -an).
    var stemmer: String? {
        switch self {
        case .english: "english"
        case .german: "german"
        case .french: "french"
        case .spanish: "spanish"
        case .italian: "italian"
        case .norwegian: "norwegian"
        case .indonesian, .malay: "indonesian"
        case .japanese, .korean, .chineseSimplified, .chineseTraditional, .thai, .vietnamese: nil
        }
    }

    /// Written without spaces between words (or, for Korean, with particles joined to them), which
    /// PostgreSQL's parser cannot cut: such text is searched by overlapping character pairs.
    var isUnsegmented: Bool {
        switch self {
        case .japanese, .korean, .chineseSimplified, .chineseTraditional, .thai: true
        default: false
        }
    }

    /// This schema's configuration for the language: its stemmer, or `simple` for Vietnamese, with
    /// accents folded first so "cafe" finds "café" and "hoi an" finds "Hội An"; nil for unsegmented
    /// languages, whose character pairs the built-in `simple` takes as they are.
    var configuration: TextSearchConfiguration? {
        if let stemmer { return TextSearchConfiguration("chat_\(stemmer)", copying: stemmer, foldsAccents: true, dictionary: "\(stemmer)_stem") }
        return self == .vietnamese ? TextSearchConfiguration("chat_vietnamese", copying: "simple", foldsAccents: true) : nil
    }

    /// The name of the configuration its text is parsed in.
    var configurationName: String { configuration?.name ?? "simple" }

    /// That configuration as a `regconfig` constant, qualified so it does not depend on the search path.
    var regconfig: String { "'\(configuration == nil ? "pg_catalog" : "public").\(configurationName)'::regconfig" }

    /// Its commonest function words, by which text in a Latin-script language is told apart; nil
    /// for a language told by its script.
    var markers: [String]? {
        switch self {
        case .english: ["the", "and", "for", "with", "your", "you", "that", "this", "from", "about", "what", "how", "are", "is"]
        case .german: ["der", "die", "das", "und", "für", "mit", "ist", "ein", "eine", "zu", "von", "auf", "den", "dem", "sie", "ich", "nicht"]
        case .french: ["le", "la", "les", "et", "pour", "avec", "des", "une", "un", "est", "du", "dans", "sur", "vous", "votre", "qui", "au", "aux"]
        case .spanish: ["el", "los", "las", "y", "para", "con", "una", "del", "por", "que", "tu", "sus", "es", "al", "como"]
        case .italian: ["il", "lo", "gli", "e", "per", "con", "una", "della", "del", "che", "di", "tuo", "nel", "alla", "sono"]
        case .norwegian: ["og", "med", "en", "et", "det", "som", "til", "på", "av", "er", "ikke", "din", "deg", "jeg", "har"]
        case .indonesian, .malay: ["dan", "untuk", "dengan", "yang", "ini", "itu", "dari", "anda", "di", "ke", "adalah", "atau", "ialah", "kepada", "bagi"]
        case .japanese, .korean, .chineseSimplified, .chineseTraditional, .thai, .vietnamese: nil
        }
    }
}

/// The languages a stage searches in, as its schema and queries need them: each row is parsed in the
/// configuration of the language its text is in (`detector`), unsegmented scripts as character pairs
/// (`ngrams`), and a query in every configuration at once.
public struct SearchLanguages: Sendable, Equatable {
    /// In order of preference: the first Latin-script one parses text no marker word decides.
    public var languages: [SearchLanguage]

    public init(_ languages: [SearchLanguage]) {
        self.languages = languages
    }

    /// Bedrock Chat's 13 and Vietnamese.
    public static let all = SearchLanguages([.english, .german, .french, .spanish, .italian, .norwegian, .indonesian, .malay,
                                             .japanese, .korean, .chineseSimplified, .chineseTraditional, .thai, .vietnamese])

    /// The schema's own configurations, each once.
    var configurations: [TextSearchConfiguration] {
        var seen: [TextSearchConfiguration] = []
        for configuration in languages.compactMap(\.configuration) where !seen.contains(configuration) { seen.append(configuration) }
        return seen
    }

    /// Every configuration a query is parsed in, each once.
    public var queryConfigurations: [String] {
        var seen: [String] = []
        for name in languages.map(\.configurationName) where !seen.contains(name) { seen.append(name) }
        return seen
    }

    var foldsAccents: Bool { configurations.contains(where: \.foldsAccents) }

    /// Hiragana, katakana, CJK ideographs, Hangul and Thai, as a regular-expression class.
    static let unsegmentedCharacters = "\\u0e00-\\u0e7f\\u1100-\\u11ff\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\uff66-\\uff9f"

    /// Letters only Vietnamese writes among the languages here.
    // (Not â, ê or ô, which French writes too.)
    static let vietnameseLetters = "ăắằẳẵặấầẩẫậđếềểễệốồổỗộơớờởỡợưứừửữựạảẹẻẽịỉọỏụủỳỵỷỹ"

    /// Each run of unsegmented characters written as its overlapping character pairs ("京都観光" →
    /// "京都 都観 観光"), the rest as it is: text and queries pass through it alike, so a query's pairs
    /// must all be in a row's text, which finds "観光ガイド" in "京都観光ガイド" and the two-character
    /// words of Chinese, Japanese and Korean.
    static let ngrams = ImmutableFunction(
        "chat_ngrams", argument: "text", returns: "text",
        body: "(SELECT coalesce(string_agg(CASE WHEN m.parts[1] ~ '^[\(unsegmentedCharacters)]{2,}$' "
            + "THEN (SELECT string_agg(substr(m.parts[1], i, 2), ' ' ORDER BY i) FROM generate_series(1, length(m.parts[1]) - 1) AS i) "
            + "ELSE m.parts[1] END, ' ' ORDER BY m.n), '') "
            + "FROM regexp_matches($1, '[\(unsegmentedCharacters)]+|[^\(unsegmentedCharacters)]+', 'g') WITH ORDINALITY AS m(parts, n))")

    /// The detector's name, which the contract and the generated columns need without its body.
    static let detectorName = "chat_search_config"

    /// The configuration a text is in: `simple` (over character pairs) for an unsegmented script,
    /// `chat_vietnamese` for Vietnamese's letters, otherwise the Latin-script language whose marker
    /// words it has most of, the first listed on a tie or when it has none.
    var detector: ImmutableFunction {
        var cases: [String] = []
        if let unsegmented = languages.first(where: \.isUnsegmented) {
            cases.append("WHEN $1 ~ '[\(Self.unsegmentedCharacters)]' THEN \(unsegmented.regconfig)")
        }
        if languages.contains(.vietnamese) { cases.append("WHEN $1 ~* '[\(Self.vietnameseLetters)]' THEN \(SearchLanguage.vietnamese.regconfig)") }
        // The Latin-script languages, one entry per configuration (Indonesian and Malay share one).
        var scored: [(language: SearchLanguage, markers: [String])] = []
        for language in languages {
            guard let markers = language.markers else { continue }
            if let index = scored.firstIndex(where: { $0.language.configuration == language.configuration }) {
                scored[index].markers += markers.filter { !scored[index].markers.contains($0) }
            } else {
                scored.append((language, markers))
            }
        }
        let fallback = (scored.first?.language ?? languages.first)?.regconfig ?? "'pg_catalog.simple'::regconfig"
        let vote = scored.count < 2 ? fallback
            : "(SELECT v.c FROM (VALUES " + scored.enumerated().map { index, entry in
                "(\(entry.language.regconfig), regexp_count($1, '\\m(\(entry.markers.joined(separator: "|")))\\M', 1, 'i'), \(index))"
            }.joined(separator: ", ") + ") AS v(c, hits, rank) ORDER BY v.hits DESC, v.rank LIMIT 1)"
        return ImmutableFunction(Self.detectorName, argument: "text", returns: "regconfig",
                                 body: cases.isEmpty ? vote : "CASE \(cases.joined(separator: " ")) ELSE \(vote) END")
    }

    /// A tsvector generated per row from `sources`, each in the row's language.
    func tsvector(_ sources: [ColumnType.WeightedSource]) -> ColumnType {
        .generatedTSVectorPerRow(detector: Self.detectorName, normalizer: Self.ngrams.name, sources: sources)
    }

    /// The words of `$1` that can be misspelled, folded as titles are (`words`, each a row `w.word`,
    /// kept by `isSpellable`): runs of letters from 4 to 24 long outside the unsegmented scripts (whose
    /// character pairs already match pieces of words). Shorter words match only as written, as
    /// OpenSearch's `fuzziness: AUTO` matches words of up to 2 letters; a 3-letter word is one letter
    /// away from too many others.
    private var words: String {
        "regexp_split_to_table(\(foldsAccents ? "lower(public.\(ImmutableFunction.unaccent.name)($1))" : "lower($1)"), '[^[:alpha:]]+') AS w(word)"
    }
    private static let isSpellable = "length(w.word) BETWEEN 4 AND 24 AND w.word !~ '[\(unsegmentedCharacters)]'"

    /// Every spellable word of a text with each of its one-letter deletions ("museum" → "museum
    /// useum mseum mueum musum musem museu"). Two words share one of these exactly when one letter
    /// changed, went missing, was added, or two neighbours swapped ("msueum" and "museum" share
    /// "mueum"): the matches of `fuzziness: AUTO` at one edit, found by a GIN index lookup rather
    /// than by comparing a word with every other (SymSpell's deletion neighbourhood).
    var spellings: ImmutableFunction {
        let deletions = "SELECT w.word UNION ALL SELECT overlay(w.word placing '' from i for 1) FROM generate_series(1, length(w.word)) AS i"
        return ImmutableFunction("chat_spellings", argument: "text", returns: "text",
                                 body: "(SELECT coalesce(string_agg(v.variant, ' '), '') FROM \(words) CROSS JOIN LATERAL (\(deletions)) AS v(variant) WHERE \(Self.isSpellable))")
    }

    /// A query's spellable words as a `simple` tsquery over `spellings`: each word's variants OR-ed,
    /// the words AND-ed; NULL, matching nothing, when it has none.
    var spellingQuery: ImmutableFunction {
        ImmutableFunction(
            "chat_spelling_query", argument: "text", returns: "tsquery",
            body: "(SELECT to_tsquery('simple', string_agg('(' || replace(public.\(spellings.name)(w.word), ' ', ' | ') || ')', ' & ')) FROM \(words) WHERE \(Self.isSpellable))")
    }

    /// A tsvector of the spellings of `sources`' words, by which misspelled queries find them.
    func spellingVector(_ sources: [ColumnType.WeightedSource]) -> ColumnType {
        .generatedTSVector(config: "simple", normalizer: spellings.name, sources: sources)
    }

    /// The function the title trigram indexes fold with, which queries must apply too.
    public var foldingFunction: String? { foldsAccents ? ImmutableFunction.unaccent.name : nil }
}
