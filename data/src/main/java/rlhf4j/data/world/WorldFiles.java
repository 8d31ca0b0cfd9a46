package rlhf4j.data.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates a world and writes it as the files every stage reads:
 * <pre>
 *   corpus.jsonl       {"text": ...}                                      pretraining
 *   sft.jsonl          {"messages": [{"role":"user",...},{"role":"assistant",...}]}
 *   rl_prompts.jsonl   {"prompt": ..., "id": ..., "type": ...}            PPO / GRPO / reward-model sampling
 *   eval.jsonl         {"prompt": ..., "answer": ..., "type": ..., "id": ...}  held out
 *   world.json         the World record, to rebuild the GoldJudge
 *   README.txt         counts
 * </pre>
 * Each question instance (a person and a question type) goes to exactly one of SFT (60%), RL
 * (20%) or eval (20%, capped per size, balanced across types; the overflow goes to RL), per
 * type. Every fact is stated in the corpus, so eval measures recall of pretrained knowledge through the SFT format.
 * A share of the SFT answers is padded with chatter the judge dislikes ({@link DemoWriter}).
 * Same seed and size: byte-identical files.
 */
public final class WorldFiles {
    public static final String WORLD_JSON = "world.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WorldFiles() {}

    /** What a generation produced: counts and characters per file. */
    public record Summary(World world, int corpusDocs, long corpusChars, int sft, int chattySft, int rlPrompts, int eval,
                          Map<String, Integer> evalByType) {
        /** Rough token count of the corpus for a small BPE vocabulary (characters / 4). */
        public long corpusTokensApprox() {
            return corpusChars / 4;
        }
    }

    /** The three question sets; no prompt appears in two of them. */
    public record Split(List<Question> sft, List<Question> rl, List<Question> eval) {}

    /**
     * Splits the world's question instances, deterministically for the world's seed. Per question
     * type, a shuffled 20% (at least one) goes to eval, the next 20% (at least one) to RL and the
     * rest to SFT, so every type is trained, reinforced and measured. Eval is then capped
     * round-robin over types; the overflow joins RL.
     */
    public static Split split(World w, WorldSize size) {
        WorldRng rng = new WorldRng(w.seed()).fork(7);
        List<Question> all = Questions.enumerate(w, rng.fork(1));
        WorldRng r = rng.fork(2);
        Map<QuestionType, List<Question>> byType = new EnumMap<>(QuestionType.class);
        for (Question q : all) byType.computeIfAbsent(q.type(), k -> new ArrayList<>()).add(q);
        List<Question> sft = new ArrayList<>(), rl = new ArrayList<>();
        Map<QuestionType, List<Question>> evalPool = new EnumMap<>(QuestionType.class);
        for (Map.Entry<QuestionType, List<Question>> e : byType.entrySet()) {
            List<Question> qs = e.getValue();
            r.shuffle(qs);
            int nt = e.getKey().templates.size();
            int nEval = Math.max(1, (int) Math.round(0.2 * qs.size()));
            int nRl = Math.max(1, (int) Math.round(0.2 * qs.size()));
            for (int i = 0; i < qs.size(); i++) {
                Question q = qs.get(i);
                if (i < nEval) {
                    evalPool.computeIfAbsent(q.type(), k -> new ArrayList<>()).add(Questions.rephrase(w, q, r.nextInt(nt)));
                } else if (i < nEval + nRl) {
                    rl.add(Questions.rephrase(w, q, r.nextInt(nt)));
                } else {
                    // SFT sees one phrasing, sometimes two, so the format is learnt across wordings.
                    int t0 = r.nextInt(nt);
                    sft.add(Questions.rephrase(w, q, t0));
                    if (nt > 1 && r.chance(0.4)) sft.add(Questions.rephrase(w, q, (t0 + 1) % nt));
                }
            }
        }
        // Round-robin over types until the cap, so every type is measured; the rest become RL prompts.
        List<Question> eval = new ArrayList<>();
        for (int depth = 0; eval.size() < size.maxEval(); depth++) {
            boolean any = false;
            for (List<Question> l : evalPool.values()) {
                if (depth < l.size() && eval.size() < size.maxEval()) {
                    eval.add(l.get(depth));
                    any = true;
                }
            }
            if (!any) break;
        }
        java.util.Set<Question> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        kept.addAll(eval);
        for (List<Question> l : evalPool.values()) {
            for (Question q : l) if (!kept.contains(q)) rl.add(q);
        }
        r.shuffle(sft);
        r.shuffle(rl);
        r.shuffle(eval);
        return new Split(sft, rl, eval);
    }

    /** Generates the world for {@code seed} and {@code size} and writes all files into {@code dir}. */
    public static Summary generate(Path dir, long seed, WorldSize size) {
        World w = WorldGenerator.generate(seed, size);
        try {
            Files.createDirectories(dir);
            List<String> docs = new Corpus(w, new WorldRng(seed).fork(11)).documents(size);
            long chars = 0;
            try (Writer out = writer(dir.resolve("corpus.jsonl"))) {
                for (String d : docs) {
                    line(out, Map.of("text", d));
                    chars += d.length();
                }
            }
            Split split = split(w, size);
            int chatty = 0;
            DemoWriter demos = new DemoWriter(size.chattyDemos(), new WorldRng(seed).fork(13));
            try (Writer out = writer(dir.resolve("sft.jsonl"))) {
                for (Question q : split.sft()) {
                    String answer = demos.answer(q);
                    if (!answer.equals(q.answer())) chatty++;
                    line(out, Map.of("messages", List.of(message("user", q.prompt()), message("assistant", answer))));
                }
            }
            try (Writer out = writer(dir.resolve("rl_prompts.jsonl"))) {
                for (Question q : split.rl()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("prompt", q.prompt());
                    m.put("id", q.id());
                    m.put("type", q.type().key());
                    line(out, m);
                }
            }
            Map<String, Integer> byType = new LinkedHashMap<>();
            try (Writer out = writer(dir.resolve("eval.jsonl"))) {
                for (Question q : split.eval()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("prompt", q.prompt());
                    m.put("answer", q.answer());
                    m.put("type", q.type().key());
                    m.put("id", q.id());
                    line(out, m);
                    byType.merge(q.type().key(), 1, Integer::sum);
                }
            }
            try (Writer out = writer(dir.resolve(WORLD_JSON))) {
                out.write(PRETTY.writeValueAsString(w));
                out.write('\n');
            }
            Summary s = new Summary(w, docs.size(), chars, split.sft().size(), chatty, split.rl().size(),
                    split.eval().size(), byType);
            Files.writeString(dir.resolve("README.txt"), readmeOf(s), StandardCharsets.UTF_8);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the world to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code world.json} from a world directory (or the file itself). */
    public static World readWorld(Path dirOrFile) {
        Path f = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(WORLD_JSON) : dirOrFile;
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(f + " not found: generate a world first with `rlhf4j world generate --out DIR`");
        }
        try {
            return JSON.readValue(f.toFile(), World.class);
        } catch (IOException e) {
            throw new UncheckedIOException(f + " is not a valid world file: " + e.getMessage(), e);
        }
    }

    /** The README.txt text for a generation. */
    public static String readmeOf(Summary s) {
        World w = s.world();
        StringBuilder sb = new StringBuilder();
        sb.append("rlhf4j synthetic world (seed ").append(w.seed()).append(", size ").append(w.size()).append(")\n\n");
        sb.append("people            ").append(w.people().size()).append('\n');
        sb.append("towns             ").append(w.towns().size()).append('\n');
        sb.append("corpus.jsonl      ").append(s.corpusDocs()).append(" documents, ").append(s.corpusChars())
                .append(" characters (~").append(s.corpusTokensApprox()).append(" tokens at 4 chars/token)\n");
        sb.append("sft.jsonl         ").append(s.sft()).append(" conversations, ").append(s.chattySft())
                .append(" of them padded with chatter by their writers (the gold judge prefers plain answers)\n");
        sb.append("rl_prompts.jsonl  ").append(s.rlPrompts()).append(" prompts\n");
        sb.append("eval.jsonl        ").append(s.eval()).append(" held-out questions with gold answers\n");
        sb.append("eval by type      ").append(s.evalByType()).append('\n');
        sb.append("world.json        the world itself; `rlhf4j world judge --world DIR --input FILE` scores answers\n");
        return sb.toString();
    }

    private static Map<String, String> message(String role, String content) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private static Writer writer(Path p) throws IOException {
        return Files.newBufferedWriter(p, StandardCharsets.UTF_8);
    }

    private static void line(Writer out, Object value) throws IOException {
        out.write(JSON.writeValueAsString(value));
        out.write('\n');
    }
}
