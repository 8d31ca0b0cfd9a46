package rlhf4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.prepare.CorpusPreparer;
import rlhf4j.data.prepare.PrepareConfig;
import rlhf4j.data.prepare.PrepareReport;
import rlhf4j.data.shard.TokenShard;

class CorpusPreparerTest {
    @TempDir
    Path dir;

    private PrepareReport prepare(List<Path> inputs, Path out, String... sets) throws IOException {
        PrepareConfig cfg = ConfigTree.resolve(PrepareConfig.defaults(), null, List.of(sets), PrepareConfig.class);
        return new CorpusPreparer(cfg, new ByteLevelEncoder(), null).run(inputs, out);
    }

    private static String jsonl(String... texts) {
        StringBuilder sb = new StringBuilder();
        for (String t : texts) sb.append("{\"text\": ").append(quote(t)).append("}\n");
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static List<Integer> allTokens(Path shard) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (TokenShard s = TokenShard.open(shard)) {
            for (int v : s.read(0, (int) s.size())) out.add(v);
        }
        return out;
    }

    @Test
    void keptDocumentsAreWrittenAsBytesSeparatedByEndOfText() throws IOException {
        String a = TestDocs.prose(1, 8), b = TestDocs.prose(2, 8);
        Path in = Files.writeString(dir.resolve("c.jsonl"), jsonl(a, b));
        PrepareReport r = prepare(List.of(in), dir.resolve("out"), "output.val_fraction=0");
        assertThat(r.keptDocuments).isEqualTo(2);
        List<Integer> tokens = allTokens(dir.resolve("out/train-00000.bin"));
        byte[] ab = a.getBytes(StandardCharsets.UTF_8), bb = b.getBytes(StandardCharsets.UTF_8);
        assertThat(tokens).hasSize(ab.length + bb.length + 2);
        assertThat(tokens.get(ab.length)).isEqualTo(ByteLevelEncoder.END_OF_TEXT);
        assertThat(tokens.getLast()).isEqualTo(ByteLevelEncoder.END_OF_TEXT);
        assertThat(tokens.get(0)).isEqualTo(ab[0] & 0xFF);
        assertThat(r.tokens("train")).isEqualTo(tokens.size());
        assertThat(dir.resolve("out/prepare_report.json")).exists();
        assertThat(dir.resolve("out/val-00000.bin")).doesNotExist();
    }

    @Test
    void malformedJsonlLinesAreReportedWithFileAndLine() throws IOException {
        String good = jsonl(TestDocs.prose(3, 8));
        Path in = Files.writeString(dir.resolve("bad.jsonl"), good + "{not json\n\n{\"txt\": \"x\"}\n{\"text\": 5}\n[1]\n" + good);
        PrepareReport r = prepare(List.of(in), dir.resolve("out"), "dedup.exact=false", "dedup.near=false");
        assertThat(r.malformed).isEqualTo(4);
        assertThat(r.malformedLines).hasSize(4);
        assertThat(r.malformedLines.get(0)).startsWith(in + ":2: not valid JSON");
        assertThat(r.malformedLines.get(1)).startsWith(in + ":4: no \"text\" field");
        assertThat(r.malformedLines.get(2)).startsWith(in + ":5: \"text\" must be a string");
        assertThat(r.malformedLines.get(3)).startsWith(in + ":6: expected a JSON object");
        assertThat(r.keptDocuments).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out/prepare_report.json"))).contains("bad.jsonl:2: not valid JSON");
    }

    @Test
    void gzipInputIsReadLikePlainInput() throws IOException {
        String text = jsonl(TestDocs.prose(4, 8), TestDocs.prose(5, 8));
        Path plain = Files.writeString(dir.resolve("p.jsonl"), text);
        Path gz = dir.resolve("z.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
        PrepareReport rp = prepare(List.of(plain), dir.resolve("o1"), "output.val_fraction=0");
        PrepareReport rz = prepare(List.of(gz), dir.resolve("o2"), "output.val_fraction=0");
        assertThat(rz.keptDocuments).isEqualTo(2);
        assertThat(allTokens(dir.resolve("o2/train-00000.bin"))).isEqualTo(allTokens(dir.resolve("o1/train-00000.bin")));
        assertThat(rz.bytesIn).isEqualTo(rp.bytesIn);
    }

    @Test
    void foldersAreWalkedRecursivelyAndTextFilesSplitByParagraph() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus/sub"));
        Files.writeString(dir.resolve("corpus/a.txt"), TestDocs.prose(6, 8) + "\n\n" + TestDocs.prose(7, 8));
        Files.writeString(corpus.resolve("b.md"), TestDocs.prose(8, 8));
        Files.writeString(corpus.resolve("image.png"), "not text");
        PrepareReport r = prepare(List.of(dir.resolve("corpus")), dir.resolve("out"), "input.text_unit=paragraph");
        assertThat(r.files).isEqualTo(2);
        assertThat(r.skippedFiles).isEqualTo(1);
        assertThat(r.documentsIn).isEqualTo(3);
        assertThat(r.keptDocuments).isEqualTo(3);
    }

    @Test
    void exactAndNearDuplicatesAreRemovedFirstCopyKept() throws IOException {
        String doc = TestDocs.prose(9, 12);
        String[] w = doc.split(" ");
        w[w.length / 2] = "different";
        String near = String.join(" ", w);
        String other = TestDocs.prose(10, 12);
        Path in = Files.writeString(dir.resolve("d.jsonl"), jsonl(doc, other, "  " + doc + "\n", near));
        PrepareReport r = prepare(List.of(in), dir.resolve("out"));
        assertThat(r.exactDuplicates.documents).isEqualTo(1); // same text after whitespace cleaning
        assertThat(r.exactDuplicates.examples.getFirst().where()).endsWith("d.jsonl:3");
        assertThat(r.nearDuplicates.documents).isEqualTo(1);
        assertThat(r.nearDuplicates.examples.getFirst().where()).endsWith("d.jsonl:4");
        assertThat(r.keptDocuments).isEqualTo(2);
    }

    @Test
    void cutDocumentsAreCountedPerRuleWithExamples() throws IOException {
        Path in = Files.writeString(dir.resolve("q.jsonl"), jsonl(TestDocs.prose(11, 8), "too short.", "also short.", "x", "four", TestDocs.prose(12, 8)));
        PrepareReport r = prepare(List.of(in), dir.resolve("out"));
        assertThat(r.cut.get("wordCount").documents).isEqualTo(4);
        assertThat(r.cut.get("wordCount").examples).hasSize(3);
        assertThat(r.cut.get("wordCount").examples.getFirst().text()).isEqualTo("too short.");
        assertThat(r.keptDocuments).isEqualTo(2);
        assertThat(r.summary()).contains("wordCount");
    }

    @Test
    void outputIsIdenticalAcrossRunsAndThreadCounts() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) sb.append(jsonl(i % 7 == 0 ? "short." : TestDocs.prose(100 + i % 350, 6)));
        Path in = Files.writeString(dir.resolve("many.jsonl"), sb.toString());
        prepare(List.of(in), dir.resolve("a"), "threads=1", "input.batch_chars=2000", "output.val_fraction=0.2", "output.shard_tokens=20000");
        prepare(List.of(in), dir.resolve("b"), "threads=4", "input.batch_chars=777", "output.val_fraction=0.2", "output.shard_tokens=20000");
        PrepareReport rc = prepare(List.of(in), dir.resolve("c"), "threads=4", "input.batch_chars=777", "output.val_fraction=0.2", "output.shard_tokens=20000");
        assertThat(rc.tokens("val")).isPositive();
        assertThat(rc.splits.get("train").shards().size()).isGreaterThan(1);
        assertThat(TokenShard.list(dir.resolve("c"), "train")).extracting(p -> p.getFileName().toString())
                .containsExactlyElementsOf(rc.splits.get("train").shards());
        for (String split : List.of("train", "val")) {
            for (String shard : rc.splits.get(split).shards()) {
                byte[] c = Files.readAllBytes(dir.resolve("c").resolve(shard));
                assertThat(Files.readAllBytes(dir.resolve("a").resolve(shard))).isEqualTo(c);
                assertThat(Files.readAllBytes(dir.resolve("b").resolve(shard))).isEqualTo(c);
            }
        }
    }

    @Test
    void staleShardsFromALargerEarlierRunAreRemoved() throws IOException {
        Path in = Files.writeString(dir.resolve("s.jsonl"), jsonl(TestDocs.prose(13, 8)));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("train-00007.bin"), "old");
        prepare(List.of(in), out, "output.val_fraction=0");
        assertThat(out.resolve("train-00007.bin")).doesNotExist();
        assertThat(out.resolve("train-00000.bin")).exists();
    }
}
