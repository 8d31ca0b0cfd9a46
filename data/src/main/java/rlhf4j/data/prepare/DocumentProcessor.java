package rlhf4j.data.prepare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf4j.data.Hashing;
import rlhf4j.data.TokenEncoder;
import rlhf4j.data.clean.QualityFilter;
import rlhf4j.data.clean.TextCleaner;
import rlhf4j.data.clean.Verdict;
import rlhf4j.data.clean.Words;
import rlhf4j.data.dedup.LshIndex;
import rlhf4j.data.dedup.MinHasher;
import rlhf4j.data.ingest.RawRecord;

/**
 * The per-document work that runs in parallel: parse, clean, filter, hash, encode. Everything
 * order-dependent (dedup, split, writing) is left to the single consumer. One instance per worker
 * thread (it holds scratch buffers).
 */
final class DocumentProcessor {
    static final long CONTENT_SEED = 0xC0FFEEL;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String jsonField;
    private final TextCleaner cleaner;
    private final QualityFilter filter;
    private final Words words = new Words();
    private final MinHasher minHasher;   // null when near dedup is off
    private final LshIndex bandsOf;      // used only for its (stateless) band hashing
    private final TokenEncoder encoder;

    DocumentProcessor(PrepareConfig cfg, MinHasher minHasher, LshIndex bandsOf, TokenEncoder encoder) {
        this.jsonField = cfg.input().jsonField();
        var c = cfg.clean();
        this.cleaner = new TextCleaner(c.nfc(), c.stripControl(), c.normalizeWhitespace());
        this.filter = new QualityFilter(cfg.filters());
        this.minHasher = minHasher;
        this.bandsOf = bandsOf;
        this.encoder = encoder;
    }

    Outcome process(RawRecord rec) {
        String text;
        if (rec.json()) {
            JsonNode node;
            try {
                node = JSON.readTree(rec.payload());
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage();
                int cut = why.indexOf(": was expecting");
                return Outcome.malformed(rec, "not valid JSON: " + (cut > 0 ? why.substring(0, cut) : why));
            }
            if (node == null || !node.isObject()) return Outcome.malformed(rec, "expected a JSON object like {\"" + jsonField + "\": \"...\"}");
            JsonNode field = node.get(jsonField);
            if (field == null) return Outcome.malformed(rec, "no \"" + jsonField + "\" field");
            if (!field.isTextual()) return Outcome.malformed(rec, "\"" + jsonField + "\" must be a string, got " + field.getNodeType().name().toLowerCase());
            text = field.textValue();
        } else {
            text = rec.payload();
        }
        String clean = cleaner.clean(text);
        String snippet = QualityFilter.snippet(clean.length() > 200 ? clean.substring(0, 200) : clean, 80);
        Verdict verdict = filter.check(clean, words.split(clean));
        if (verdict != null) return new Outcome(rec, null, verdict, snippet, 0, null, null, 0);
        long hash = Hashing.hashChars(clean, CONTENT_SEED);
        long[] bands = minHasher == null ? null : bandsOf.bandHashes(minHasher.signature(words.hashes(), words.count()));
        int[] tokens = encoder.encode(clean);
        return new Outcome(rec, null, null, snippet, hash, bands, tokens, utf8Length(clean));
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
