package rlhf4j.data.world;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WorldGeneratorTest {
    private static final List<String> FILES = List.of("corpus.jsonl", "sft.jsonl", "rl_prompts.jsonl", "eval.jsonl",
            "world.json", "README.txt");

    @Test
    void sameSeedWritesByteIdenticalFiles(@TempDir Path tmp) throws IOException {
        WorldFiles.generate(tmp.resolve("a"), 42, WorldSize.TINY);
        WorldFiles.generate(tmp.resolve("b"), 42, WorldSize.TINY);
        for (String f : FILES) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(f)))
                    .as(f).isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(f)));
        }
    }

    @Test
    void differentSeedWritesADifferentWorld(@TempDir Path tmp) throws IOException {
        WorldFiles.generate(tmp.resolve("a"), 1, WorldSize.TINY);
        WorldFiles.generate(tmp.resolve("b"), 2, WorldSize.TINY);
        for (String f : List.of("corpus.jsonl", "sft.jsonl", "eval.jsonl", "world.json")) {
            assertThat(Files.readString(tmp.resolve("b").resolve(f))).as(f)
                    .isNotEqualTo(Files.readString(tmp.resolve("a").resolve(f)));
        }
    }

    @Test
    void worldJsonRoundTripsToTheSameWorld(@TempDir Path tmp) {
        WorldFiles.Summary s = WorldFiles.generate(tmp, 7, WorldSize.TINY);
        assertThat(WorldFiles.readWorld(tmp)).isEqualTo(s.world());
    }

    @Test
    void namesAreUniqueAndNeverCollideWithTownsOrVocabulary() {
        World w = WorldGenerator.generate(3, WorldSize.LARGE);
        Set<String> firsts = new HashSet<>(), fulls = new HashSet<>();
        for (Person p : w.people()) {
            assertThat(firsts.add(p.first())).as("first name " + p.first()).isTrue();
            assertThat(fulls.add(p.name())).isTrue();
        }
        assertThat(w.people()).hasSize(WorldSize.LARGE.people());
        assertThat(new HashSet<>(w.towns())).hasSize(WorldSize.LARGE.towns());
        for (String t : w.towns()) assertThat(firsts).doesNotContain(t);
        for (Person p : w.people()) assertThat(w.towns()).doesNotContain(p.last());
    }

    @Test
    void relationsAreSymmetricAndConsistent() {
        World w = WorldGenerator.generate(5, WorldSize.DEFAULT);
        int siblings = 0, friends = 0, coworkers = 0;
        for (Person p : w.people()) {
            if (p.sibling() >= 0) {
                siblings++;
                Person s = w.person(p.sibling());
                assertThat(s.sibling()).isEqualTo(p.id());
                assertThat(s.last()).isEqualTo(p.last());
            }
            if (p.friend() >= 0) {
                friends++;
                assertThat(w.person(p.friend()).friend()).isEqualTo(p.id());
                assertThat(p.friend()).isNotEqualTo(p.id()).isNotEqualTo(p.sibling());
            }
            if (p.coworker() >= 0) {
                coworkers++;
                Person c = w.person(p.coworker());
                assertThat(c.coworker()).isEqualTo(p.id());
                assertThat(c.job()).isEqualTo(p.job());
                assertThat(c.town()).isEqualTo(p.town());
            }
            assertThat(p.pets() == 0).isEqualTo(p.petKind() == null);
        }
        // Every relation type is common enough to be asked about.
        assertThat(siblings).isGreaterThan(w.people().size() / 10);
        assertThat(friends).isGreaterThan(w.people().size() / 3);
        assertThat(coworkers).isGreaterThan(w.people().size() / 5);
    }
}
