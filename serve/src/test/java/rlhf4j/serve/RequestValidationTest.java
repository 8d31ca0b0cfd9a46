package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestValidationTest {
    @TempDir static Path dir;
    static ServeServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TinyModels.server(dir, TinyModels.config(), PromptSet.empty(), TinyModels.model("tiny", 1));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        server.store().close();
    }

    static final String OK_MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    /** Asserts the status and OpenAI's error shape; returns the error object. */
    static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = Json.MAPPER.readTree(r.body()).get("error");
        assertThat(e).isNotNull();
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).isTrue();
        assertThat(e.get("message").asText()).isNotBlank();
        return e;
    }

    static HttpResponse<String> chat(String body) throws Exception {
        return TinyModels.post(server, "/v1/chat/completions", body);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        error(chat("{\"messages\": ["), 400);
        error(chat("{} trailing"), 400);
        error(chat(""), 400);
        error(chat("[1, 2]"), 400);
        error(chat("\"just a string\""), 400);
    }

    @Test
    void missingOrMistypedMessagesAre400NamingTheField() throws Exception {
        assertThat(error(chat("{}"), 400).get("param").asText()).isEqualTo("messages");
        assertThat(error(chat("{\"messages\": \"hi\"}"), 400).get("param").asText()).isEqualTo("messages");
        assertThat(error(chat("{\"messages\": []}"), 400).get("param").asText()).isEqualTo("messages");
        assertThat(error(chat("{\"messages\": [42]}"), 400).get("param").asText()).isEqualTo("messages[0]");
        assertThat(error(chat("{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}"), 400).get("param").asText())
                .isEqualTo("messages[0].role");
        assertThat(error(chat("{\"messages\": [{\"role\": \"user\", \"content\": 5}]}"), 400).get("param").asText())
                .isEqualTo("messages[0].content");
        assertThat(error(chat("{\"messages\": [{\"role\": \"user\"}]}"), 400).get("param").asText())
                .isEqualTo("messages[0].content");
    }

    @Test
    void wrongTypesAndRangesAre400NamingTheField() throws Exception {
        String[][] cases = {
                {"\"temperature\": \"hot\"", "temperature"}, {"\"temperature\": 3", "temperature"},
                {"\"top_p\": 0", "top_p"}, {"\"top_p\": 1.5", "top_p"}, {"\"max_tokens\": 1.5", "max_tokens"},
                {"\"max_tokens\": \"10\"", "max_tokens"}, {"\"max_tokens\": 0", "max_tokens"},
                {"\"max_tokens\": 100000000000000000000", "max_tokens"}, {"\"n\": 0", "n"}, {"\"n\": 1000", "n"},
                {"\"stop\": 7", "stop"}, {"\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]", "stop"}, {"\"stop\": [\"\"]", "stop"},
                {"\"seed\": \"x\"", "seed"}, {"\"stream\": \"yes\"", "stream"}, {"\"model\": 12", "model"},
                {"\"logprobs\": true", "logprobs"}, {"\"stream_options\": 3", "stream_options"},
        };
        for (String[] c : cases) {
            JsonNode e = error(chat("{" + OK_MESSAGES + ", " + c[0] + "}"), 400);
            assertThat(e.get("param").asText()).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void maxTokensBeyondTheContextIs400WithTheRoomLeft() throws Exception {
        JsonNode e = error(chat("{" + OK_MESSAGES + ", \"max_tokens\": 1000000}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("message").asText()).contains("at most");
        // a prompt longer than the context is refused too
        String longText = "x".repeat(TinyModels.CONTEXT * 2);
        e = error(chat("{\"messages\": [{\"role\": \"user\", \"content\": \"" + longText + "\"}]}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String huge = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "a".repeat(2 << 20) + "\"}]}";
        error(chat(huge), 413);
    }

    @Test
    void unknownModelIs404AndUnknownUrlIs404Json() throws Exception {
        assertThat(error(chat("{\"model\": \"gpt-9\", " + OK_MESSAGES + "}"), 404).get("code").asText()).isEqualTo("model_not_found");
        error(TinyModels.get(server, "/v1/nothing"), 404);
        error(TinyModels.get(server, "/static/chat.js/../../feedback.db"), 404);
        for (String path : new String[] {"/static/../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd"}) {
            HttpResponse<String> r = TinyModels.get(server, path);
            assertThat(r.statusCode()).isBetween(400, 404); // Jetty refuses paths that climb out of the root itself (400)
            assertThat(r.body()).doesNotContain("root:");
        }
    }

    @Test
    void sqlAndPathStringsInContentAreJustText() throws Exception {
        long before = server.store().count("ratings");
        String nasty = "'; DROP TABLE ratings; -- ../../etc/passwd \\u0000 <script>alert(1)</script>";
        HttpResponse<String> r = chat("{\"messages\": [{\"role\": \"user\", \"content\": \"" + nasty + "\"}], \"max_tokens\": 4}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(server.store().count("ratings")).isEqualTo(before);
        // and stored literally when rated
        r = TinyModels.post(server, "/api/ratings", "{\"messages\": [{\"role\": \"user\", \"content\": \"" + nasty
                + "\"}], \"response\": \"" + nasty + "\", \"rating\": -1, \"labeler\": \"Robert'); DROP TABLE comparisons;--\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(server.store().count("ratings")).isEqualTo(before + 1);
        assertThat(server.store().count("comparisons")).isZero();
        assertThat(server.store().ratings().getLast().response()).isEqualTo(
                Json.MAPPER.readTree("\"" + nasty + "\"").asText());
    }

    @Test
    void aValidRequestIsAnsweredInOpenAiShape() throws Exception {
        HttpResponse<String> r = chat("{\"model\": \"tiny\", " + OK_MESSAGES + ", \"max_tokens\": 5, \"n\": 2, \"seed\": 3, \"temperature\": 0.7}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode o = Json.MAPPER.readTree(r.body());
        assertThat(o.get("object").asText()).isEqualTo("chat.completion");
        assertThat(o.get("model").asText()).isEqualTo("tiny");
        assertThat(o.get("choices")).hasSize(2);
        for (JsonNode c : o.get("choices")) {
            assertThat(c.get("message").get("role").asText()).isEqualTo("assistant");
            assertThat(c.get("finish_reason").asText()).isIn("stop", "length");
        }
        JsonNode u = o.get("usage");
        assertThat(u.get("total_tokens").asInt()).isEqualTo(u.get("prompt_tokens").asInt() + u.get("completion_tokens").asInt());
        assertThat(u.get("completion_tokens").asInt()).isBetween(0, 10);

        r = TinyModels.post(server, "/v1/completions", "{\"prompt\": \"Once upon\", \"max_tokens\": 3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).get("choices").get(0).has("text")).isTrue();
        error(TinyModels.post(server, "/v1/completions", "{\"prompt\": 5}"), 400);
        error(TinyModels.post(server, "/v1/completions", "{}"), 400);

        r = TinyModels.get(server, "/v1/models");
        assertThat(Json.MAPPER.readTree(r.body()).get("data").get(0).get("id").asText()).isEqualTo("tiny");
        assertThat(TinyModels.get(server, "/health").statusCode()).isEqualTo(200);
    }
}
