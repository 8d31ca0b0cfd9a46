package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackStoreTest {
    @TempDir Path dir;

    static List<FeedbackStore.Response> two(String a, String b) {
        return List.of(new FeedbackStore.Response("m", a, null), new FeedbackStore.Response("m", b, null));
    }

    @Test
    void openingCreatesTheSchemaOnceAndRecordsItsVersion() throws Exception {
        String db = dir.resolve("f.db").toString();
        try (FeedbackStore s = FeedbackStore.open(db)) {
            assertThat(s.schemaVersion()).isEqualTo(FeedbackStore.MIGRATIONS.getLast().version());
        }
        try (FeedbackStore s = FeedbackStore.open(db)) { // reopening applies nothing twice
            assertThat(s.schemaVersion()).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); ResultSet rs =
                c.createStatement().executeQuery("SELECT COUNT(*) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aLaterMigrationIsAppliedToAnExistingDatabaseKeepingItsRows() throws Exception {
        String db = dir.resolve("f.db").toString();
        try (FeedbackStore s = FeedbackStore.open(db)) {
            s.saveComparison("\"p\"", "typed", null, FeedbackStore.Outcome.BEST, 0, null, two("a", "b"));
        }
        List<FeedbackStore.Migration> next = new ArrayList<>(FeedbackStore.MIGRATIONS);
        next.add(new FeedbackStore.Migration(2, "labeler table", List.of("CREATE TABLE labelers (name TEXT PRIMARY KEY)")));
        try (FeedbackStore s = FeedbackStore.open(db, next)) {
            assertThat(s.schemaVersion()).isEqualTo(2);
            assertThat(s.comparisons()).hasSize(1);
        }
        // a database newer than the code is refused rather than misread
        assertThatThrownBy(() -> FeedbackStore.open(db)).isInstanceOf(SQLException.class).hasMessageContaining("schema version 2");
    }

    @Test
    void aFailedMigrationLeavesTheVersionWhereItWas() throws Exception {
        String db = dir.resolve("f.db").toString();
        FeedbackStore.open(db).close();
        List<FeedbackStore.Migration> bad = new ArrayList<>(FeedbackStore.MIGRATIONS);
        bad.add(new FeedbackStore.Migration(2, "broken", List.of("CREATE TABLE ok_part (x TEXT)", "THIS IS NOT SQL")));
        assertThatThrownBy(() -> FeedbackStore.open(db, bad)).hasMessageContaining("migration 2");
        try (FeedbackStore s = FeedbackStore.open(db)) {
            assertThat(s.schemaVersion()).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); ResultSet rs = c.createStatement()
                .executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok_part'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the migration's first statement was rolled back").isZero();
        }
    }

    @Test
    void aComparisonIsSavedWhollyOrNotAtAll() throws Exception {
        try (FeedbackStore s = FeedbackStore.open(dir.resolve("f.db").toString())) {
            // the second response's content is null: its insert fails after the comparison row was written
            List<FeedbackStore.Response> broken = List.of(new FeedbackStore.Response("m", "fine", null),
                    new FeedbackStore.Response("m", null, null));
            assertThatThrownBy(() -> s.saveComparison("\"p\"", "typed", "ann", FeedbackStore.Outcome.BEST, 0, null, broken))
                    .isInstanceOf(SQLException.class);
            assertThat(s.count("comparisons")).isZero();
            s.saveComparison("\"p\"", "typed", "ann", FeedbackStore.Outcome.TIE, null, "same", two("a", "b"));
            assertThat(s.count("comparisons")).isEqualTo(1);
            assertThat(s.promptsJudgedBy("ann")).containsExactly("\"p\"");
            assertThat(s.promptsJudgedBy(null)).isEmpty();
        }
    }

    @Test
    void exportWritesPairwiseAndKWiseLinesAndSkipsTiesAndBothBad() throws Exception {
        try (FeedbackStore s = FeedbackStore.open(dir.resolve("f.db").toString())) {
            s.saveComparison("\"2+2?\"", "typed", null, FeedbackStore.Outcome.BEST, 1, null, two("5", "4"));
            s.saveComparison("\"tie\"", "typed", null, FeedbackStore.Outcome.TIE, null, null, two("a", "b"));
            s.saveComparison("\"bad\"", "typed", null, FeedbackStore.Outcome.BOTH_BAD, null, null, two("a", "b"));
            s.saveComparison("[{\"role\":\"user\",\"content\":\"hi\"}]", "f.jsonl line 3", "bo", FeedbackStore.Outcome.BEST, 0, null,
                    List.of(new FeedbackStore.Response("a", "hello", null), new FeedbackStore.Response("b", "go away", null),
                            new FeedbackStore.Response("a", "hey", null)));

            StringWriter pairs = new StringWriter();
            FeedbackExport.Summary sum = FeedbackExport.comparisons(s.comparisons(), FeedbackExport.Format.PAIRWISE, pairs);
            String[] lines = pairs.toString().split("\n");
            assertThat(lines).hasSize(3); // 1 pair + 2 pairs (best over each other of three)
            JsonNode first = Json.MAPPER.readTree(lines[0]);
            assertThat(first.get("prompt").asText()).isEqualTo("2+2?");
            assertThat(first.get("chosen").asText()).isEqualTo("4");
            assertThat(first.get("rejected").asText()).isEqualTo("5");
            JsonNode conv = Json.MAPPER.readTree(lines[1]);
            assertThat(conv.get("prompt").isArray()).isTrue();
            assertThat(conv.get("chosen").asText()).isEqualTo("hello");
            assertThat(sum.ties()).isEqualTo(1);
            assertThat(sum.bothBad()).isEqualTo(1);
            assertThat(sum.lines()).isEqualTo(3);

            StringWriter kwise = new StringWriter();
            sum = FeedbackExport.comparisons(s.comparisons(), FeedbackExport.Format.KWISE, kwise);
            lines = kwise.toString().split("\n");
            assertThat(lines).hasSize(1);
            JsonNode k = Json.MAPPER.readTree(lines[0]);
            assertThat(k.get("responses").get(0).asText()).isEqualTo("5");
            assertThat(k.get("ranking").toString()).isEqualTo("[1,0]");
            assertThat(sum.moreThanTwo()).isEqualTo(1);

            s.saveRating("m", "[{\"role\":\"user\",\"content\":\"hi\"}]", "hello", 1, null, null, null);
            StringWriter ratings = new StringWriter();
            assertThat(FeedbackExport.ratings(s.ratings(), ratings)).isEqualTo(1);
            JsonNode r = Json.MAPPER.readTree(ratings.toString());
            assertThat(r.get("label").asBoolean()).isTrue();
            assertThat(r.get("completion").asText()).isEqualTo("hello");
        }
    }
}
