package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackApiTest {
    @TempDir Path dir;

    @Test
    void theComparisonLoopStoresWhatWasShownWithTheChoice() throws Exception {
        Path prompts = dir.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"Who lives in Pell?\"}\n{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        try (ServeServer s = TinyModels.server(dir, TinyModels.config(), PromptSet.read(prompts),
                TinyModels.model("a", 1), TinyModels.model("b", 2))) {
            JsonNode next = Json.MAPPER.readTree(TinyModels.get(s, "/api/compare/next?labeler=ann").body());
            assertThat(next.get("done").asInt()).isZero();
            assertThat(next.get("total").asInt()).isEqualTo(2);
            assertThat(next.get("prompt").asText()).isEqualTo("Who lives in Pell?");

            HttpResponse<String> r = TinyModels.post(s, "/api/compare/sample", "{\"prompt_index\": 0, \"max_tokens\": 6}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode draft = Json.MAPPER.readTree(r.body());
            assertThat(draft.get("responses")).hasSize(2);
            String id = draft.get("draft_id").asText();

            assertThat(TinyModels.post(s, "/api/comparisons", "{\"draft_id\": \"" + id + "\", \"choice\": 5}").statusCode()).isEqualTo(400);
            assertThat(TinyModels.post(s, "/api/comparisons", "{\"draft_id\": \"" + id + "\", \"choice\": \"maybe\"}").statusCode()).isEqualTo(400);
            r = TinyModels.post(s, "/api/comparisons", "{\"draft_id\": \"" + id + "\", \"choice\": 1, \"labeler\": \"ann\", \"note\": \"clearer\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(r.body()).get("saved").asBoolean()).isTrue();
            // saving twice is refused, nothing is duplicated
            assertThat(TinyModels.post(s, "/api/comparisons", "{\"draft_id\": \"" + id + "\", \"choice\": 0}").statusCode()).isEqualTo(404);

            var stored = s.store().comparisons();
            assertThat(stored).hasSize(1);
            var c = stored.getFirst();
            assertThat(c.labeler()).isEqualTo("ann");
            assertThat(c.note()).isEqualTo("clearer");
            assertThat(c.bestIndex()).isEqualTo(1);
            assertThat(c.responses().get(1).content()).isEqualTo(draft.get("responses").get(1).asText());
            assertThat(c.responses()).extracting(FeedbackStore.Response::model).containsExactlyInAnyOrder("a", "b");

            next = Json.MAPPER.readTree(TinyModels.get(s, "/api/compare/next?labeler=ann").body());
            assertThat(next.get("done").asInt()).isEqualTo(1);
            assertThat(next.get("prompt").isArray()).isTrue();
            // another labeler still starts at the first prompt
            assertThat(Json.MAPPER.readTree(TinyModels.get(s, "/api/compare/next").body()).get("prompt_index").asInt()).isZero();

            // a typed prompt, judged a tie
            draft = Json.MAPPER.readTree(TinyModels.post(s, "/api/compare/sample", "{\"prompt\": \"typed one\", \"max_tokens\": 4}").body());
            r = TinyModels.post(s, "/api/comparisons", "{\"draft_id\": \"" + draft.get("draft_id").asText() + "\", \"choice\": \"tie\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(s.store().comparisons().getLast().source()).isEqualTo("typed");
            s.store().close();
        }
    }

    @Test
    void ratingsAreValidated() throws Exception {
        try (ServeServer s = TinyModels.server(dir, TinyModels.config(), PromptSet.empty(), TinyModels.model("a", 1))) {
            String conv = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response\": \"yo\"";
            assertThat(TinyModels.post(s, "/api/ratings", "{" + conv + ", \"rating\": 0}").statusCode()).isEqualTo(400);
            assertThat(TinyModels.post(s, "/api/ratings", "{" + conv + ", \"rating\": \"up\"}").statusCode()).isEqualTo(400);
            assertThat(TinyModels.post(s, "/api/ratings", "{\"messages\": 3, \"response\": \"yo\", \"rating\": 1}").statusCode()).isEqualTo(400);
            assertThat(TinyModels.post(s, "/api/ratings", "{" + conv + ", \"rating\": 1, \"note\": \"" + "n".repeat(3000) + "\"}").statusCode()).isEqualTo(400);
            assertThat(s.store().count("ratings")).isZero();
            assertThat(TinyModels.post(s, "/api/ratings", "{" + conv + ", \"rating\": 1, \"sampling\": {\"temperature\": 0.7}}").statusCode()).isEqualTo(200);
            assertThat(s.store().ratings().getFirst().sampling()).contains("0.7");
            s.store().close();
        }
    }
}
