package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingTest {
    @TempDir static Path dir;
    static ServeServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TinyModels.server(dir, TinyModels.config(), PromptSet.empty(), TinyModels.model("tiny", 2));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        server.store().close();
    }

    /** The data payloads of an SSE body, checking that every event is one "data: ..." line and a blank line. */
    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.isEmpty() || event.startsWith(":")) continue;
            assertThat(event).startsWith("data: ").doesNotContain("\n");
            out.add(event.substring(6));
        }
        return out;
    }

    @Test
    void chatStreamFollowsOpenAiChunkFormatAndMatchesTheNonStreamedAnswer() throws Exception {
        String req = "{\"messages\": [{\"role\": \"user\", \"content\": \"tell me\"}], \"max_tokens\": 12, \"seed\": 5, "
                + "\"temperature\": 0.8, \"n\": 2, \"stream_options\": {\"include_usage\": true}";
        HttpResponse<String> r = TinyModels.post(server, "/v1/chat/completions", req + ", \"stream\": true}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> data = events(r.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        StringBuilder[] text = {new StringBuilder(), new StringBuilder()};
        String[] finish = new String[2];
        boolean[] sawRole = new boolean[2];
        String id = null;
        JsonNode usage = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode c = Json.MAPPER.readTree(d);
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            if (id == null) id = c.get("id").asText();
            assertThat(c.get("id").asText()).isEqualTo(id).startsWith("chatcmpl-");
            assertThat(c.get("model").asText()).isEqualTo("tiny");
            if (c.get("choices").isEmpty()) { usage = c.get("usage"); continue; }
            JsonNode choice = c.get("choices").get(0);
            int i = choice.get("index").asInt();
            assertThat(finish[i]).as("nothing follows a choice's finish chunk").isNull();
            JsonNode delta = choice.get("delta");
            if (delta.has("role")) { assertThat(delta.get("role").asText()).isEqualTo("assistant"); sawRole[i] = true; }
            if (delta.has("content")) text[i].append(delta.get("content").asText());
            if (!choice.get("finish_reason").isNull()) finish[i] = choice.get("finish_reason").asText();
        }
        assertThat(sawRole).containsExactly(true, true);
        assertThat(finish).doesNotContainNull();
        assertThat(usage).isNotNull();
        assertThat(usage.get("completion_tokens").asInt()).isPositive();

        // the same request without streaming gives the same text (same seeds, one request per batch)
        JsonNode whole = Json.MAPPER.readTree(TinyModels.post(server, "/v1/chat/completions", req + "}").body());
        for (int i = 0; i < 2; i++) {
            assertThat(whole.get("choices").get(i).get("message").get("content").asText()).isEqualTo(text[i].toString());
            assertThat(whole.get("choices").get(i).get("finish_reason").asText()).isEqualTo(finish[i]);
        }
    }

    @Test
    void completionStreamUsesTextCompletionChunks() throws Exception {
        HttpResponse<String> r = TinyModels.post(server, "/v1/completions",
                "{\"prompt\": \"abc\", \"max_tokens\": 6, \"stream\": true, \"seed\": 1}");
        List<String> data = events(r.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode last = Json.MAPPER.readTree(data.get(data.size() - 2));
        assertThat(last.get("object").asText()).isEqualTo("text_completion");
        assertThat(last.get("choices").get(0).get("finish_reason").asText()).isIn("stop", "length");
    }

    @Test
    void streamErrorsBeforeTheFirstTokenAreJsonWithStatus() throws Exception {
        HttpResponse<String> r = TinyModels.post(server, "/v1/chat/completions", "{\"messages\": 1, \"stream\": true}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(r.body()).get("error").get("param").asText()).isEqualTo("messages");
    }
}
