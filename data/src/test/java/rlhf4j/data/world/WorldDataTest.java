package rlhf4j.data.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated files: formats, the split, and that every eval fact can be learnt from the corpus. */
class WorldDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static World world;
    static String corpus;

    @BeforeAll
    static void generate() throws IOException {
        world = WorldFiles.generate(dir, 11, WorldSize.TINY).world();
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : lines("corpus.jsonl")) sb.append(n.get("text").asText()).append('\n');
        corpus = sb.toString();
    }

    static List<JsonNode> lines(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(file))) out.add(JSON.readTree(l));
        return out;
    }

    @Test
    void sftPromptsNeverAppearInEvalOrRlPrompts() throws IOException {
        Set<String> sft = new HashSet<>();
        Set<String> sftIds = new HashSet<>();
        GoldJudge judge = new GoldJudge(world);
        for (JsonNode n : lines("sft.jsonl")) {
            JsonNode m = n.get("messages");
            assertThat(m.get(0).get("role").asText()).isEqualTo("user");
            assertThat(m.get(1).get("role").asText()).isEqualTo("assistant");
            sft.add(m.get(0).get("content").asText());
            sftIds.add(judge.question(m.get(0).get("content").asText()).orElseThrow().id());
        }
        Set<String> evalIds = new HashSet<>();
        for (JsonNode n : lines("eval.jsonl")) {
            assertThat(sft).doesNotContain(n.get("prompt").asText());
            assertThat(sftIds).doesNotContain(n.get("id").asText());
            evalIds.add(n.get("id").asText());
        }
        for (JsonNode n : lines("rl_prompts.jsonl")) {
            assertThat(sft).doesNotContain(n.get("prompt").asText());
            assertThat(sftIds).doesNotContain(n.get("id").asText());
            assertThat(evalIds).doesNotContain(n.get("id").asText());
        }
    }

    @Test
    void sftAnswersAreCanonicalOrChattyButAlwaysCorrect() throws IOException {
        GoldJudge judge = new GoldJudge(world);
        int total = 0, chatty = 0;
        for (JsonNode n : lines("sft.jsonl")) {
            String q = n.get("messages").get(0).get("content").asText();
            String a = n.get("messages").get(1).get("content").asText();
            String canonical = judge.question(q).orElseThrow().answer();
            GoldJudge.Score s = judge.score(q, a);
            total++;
            assertThat(a).contains(canonical);
            assertThat(s.correct()).as(a).isEqualTo(1.0);
            if (a.equals(canonical)) {
                assertThat(s.total()).isEqualTo(1.0);
            } else {
                chatty++;
                // the chatter costs form or a clean stop, so the judge prefers the plain answer
                assertThat(s.total()).as(a).isLessThan(1.0);
            }
        }
        // the tiny preset pads 40% of its demonstrations
        assertThat((double) chatty / total).isBetween(0.25, 0.55);
    }

    @Test
    void noChattyDemosGivesOnlyCanonicalSentences(@TempDir Path tmp) throws IOException {
        WorldFiles.generate(tmp, 11, WorldSize.TINY.withChattyDemos(0));
        GoldJudge judge = new GoldJudge(WorldFiles.readWorld(tmp));
        for (String line : Files.readAllLines(tmp.resolve("sft.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(line);
            String q = n.get("messages").get(0).get("content").asText();
            assertThat(n.get("messages").get(1).get("content").asText()).isEqualTo(judge.question(q).orElseThrow().answer());
        }
    }

    @Test
    void everyQuestionTypeIsInEachSplit() throws IOException {
        Set<String> evalTypes = new HashSet<>(), rlTypes = new HashSet<>();
        for (JsonNode n : lines("eval.jsonl")) evalTypes.add(n.get("type").asText());
        for (JsonNode n : lines("rl_prompts.jsonl")) rlTypes.add(n.get("type").asText());
        Set<String> all = new HashSet<>();
        for (QuestionType t : EnumSet.allOf(QuestionType.class)) all.add(t.key());
        assertThat(evalTypes).isEqualTo(all);
        assertThat(rlTypes).isEqualTo(all);
    }

    /** The facts an eval answer rests on, in the corpus's canonical wording. */
    private static List<String> baseFacts(Question q) {
        List<String> facts = new ArrayList<>();
        Person x = world.person(q.x());
        switch (q.type()) {
            case AGE_FUTURE -> facts.add(x.name() + " is " + x.age() + " years old.");
            case AGE_DIFF -> {
                facts.add(x.name() + " is " + x.age() + " years old.");
                Person y = world.person(q.y());
                facts.add(y.name() + " is " + y.age() + " years old.");
            }
            case PETS_TOTAL -> {
                facts.add(x.name() + " has " + English.pets(x.pets(), x.petKind()) + ".");
                Person y = world.person(q.y());
                facts.add(y.name() + " has " + English.pets(y.pets(), y.petKind()) + ".");
            }
            default -> facts.add(q.answer());
        }
        return facts;
    }

    @Test
    void everyEvalFactIsStatedInTheCorpus() throws IOException {
        GoldJudge judge = new GoldJudge(world);
        for (JsonNode n : lines("eval.jsonl")) {
            Question q = judge.question(n.get("prompt").asText()).orElseThrow();
            for (String fact : baseFacts(q)) assertThat(corpus).as(n.toString()).contains(fact);
        }
    }

    @Test
    void everyFactIsRestatedSeveralTimes() {
        // The value of each simple fact appears next to the person's name in several documents.
        for (Person p : world.people()) {
            long docs = corpus.lines().filter(d -> d.contains(p.first()) && d.contains(p.town())).count();
            assertThat(docs).as(p.name() + " / " + p.town()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void noFirstNameIsAWordOfTheCorpus() {
        Set<String> words = new HashSet<>(GoldJudge.tokens(corpus));
        for (long seed = 1; seed <= 3; seed++) {
            for (Person p : WorldGenerator.generate(seed, WorldSize.LARGE).people()) {
                assertThat(words).as("seed " + seed).doesNotContain(p.first().toLowerCase(Locale.ROOT) + "'s");
            }
        }
        Set<String> vocabulary = new HashSet<>(words);
        for (Person p : world.people()) vocabulary.remove(p.first().toLowerCase(Locale.ROOT));
        for (long seed = 1; seed <= 3; seed++) {
            for (Person p : WorldGenerator.generate(seed, WorldSize.LARGE).people()) {
                String f = p.first().toLowerCase(Locale.ROOT);
                if (world.people().stream().noneMatch(q -> q.first().equalsIgnoreCase(f))) {
                    assertThat(vocabulary).as("seed " + seed + " name " + f).doesNotContain(f);
                }
            }
        }
    }

    @Test
    void vocabularyIsSmall() {
        Set<String> names = new HashSet<>();
        for (Person p : world.people()) {
            names.add(p.first().toLowerCase(Locale.ROOT));
            names.add(p.last().toLowerCase(Locale.ROOT));
        }
        for (String t : world.towns()) names.add(t.toLowerCase(Locale.ROOT));
        Set<String> words = new HashSet<>();
        for (String w : GoldJudge.tokens(corpus)) {
            if (!names.contains(w) && !w.chars().allMatch(Character::isDigit)) words.add(w);
        }
        assertThat(words.size()).as(words.toString()).isBetween(100, 400);
    }
}
