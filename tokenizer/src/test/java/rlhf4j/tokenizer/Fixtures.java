package rlhf4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads the committed fixtures made by tokenizer/fixtures-gen/gen_fixtures.mjs (npm tiktoken). */
final class Fixtures {
    record Case(String text, boolean allowSpecial, int[] ids) {}

    private Fixtures() {}

    /** The encoding built from the committed rank subset (exact on the fixture texts). */
    static Tokenizer subsetTokenizer(Encoding e) {
        try (InputStream in = open(e.id() + ".subset.tiktoken")) {
            return Tokenizer.of(e, TiktokenFile.read(in, e.id() + ".subset.tiktoken"));
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }

    static List<Case> cases(Encoding e) {
        List<Case> cases = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(e.id() + ".cases.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                JsonNode ids = n.get("ids");
                int[] a = new int[ids.size()];
                for (int i = 0; i < a.length; i++) a[i] = ids.get(i).asInt();
                cases.add(new Case(n.get("text").asText(), n.get("allowed").asText().equals("all"), a));
            }
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
        return cases;
    }

    private static InputStream open(String name) {
        InputStream in = Fixtures.class.getResourceAsStream("/tiktoken/" + name);
        if (in == null) throw new IllegalStateException("missing test resource tiktoken/" + name);
        return in;
    }
}
