package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {
    @TempDir Path dir;

    @Test
    void withKeysEveryApiCallNeedsOneButHealthAndPagesDoNot() throws Exception {
        try (ServeServer s = TinyModels.server(dir, TinyModels.withKeys("k-one", "k-two"), PromptSet.empty(), TinyModels.model("tiny", 1))) {
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2}";
            assertThat(TinyModels.get(s, "/v1/models").statusCode()).isEqualTo(401);
            assertThat(TinyModels.get(s, "/v1/models", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
            assertThat(TinyModels.get(s, "/v1/models", "Authorization", "k-one").statusCode()).isEqualTo(401);
            assertThat(TinyModels.post(s, "/v1/chat/completions", body).statusCode()).isEqualTo(401);
            var r = TinyModels.post(s, "/api/ratings", "{}");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(Json.MAPPER.readTree(r.body()).get("error").get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(TinyModels.get(s, "/api/config").statusCode()).isEqualTo(401);

            assertThat(TinyModels.get(s, "/v1/models", "Authorization", "Bearer k-one").statusCode()).isEqualTo(200);
            assertThat(TinyModels.post(s, "/v1/chat/completions", body, "Authorization", "Bearer k-two").statusCode()).isEqualTo(200);
            assertThat(TinyModels.get(s, "/health").statusCode()).isEqualTo(200);
            assertThat(TinyModels.get(s, "/").statusCode()).isEqualTo(200);
            s.store().close();
        }
    }

    @Test
    void withoutKeysNothingIsAsked() throws Exception {
        try (ServeServer s = TinyModels.server(dir, TinyModels.config(), PromptSet.empty(), TinyModels.model("tiny", 1))) {
            assertThat(TinyModels.get(s, "/v1/models").statusCode()).isEqualTo(200);
            s.store().close();
        }
    }
}
