package rlhf4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tokenizer.ChatTemplate;

class BatchingTest {
    @TempDir Path dir;

    static int[] prompt(ServedModel m, String text) {
        return m.chatTemplate().renderPrompt(List.of(new ChatTemplate.Message("user", text)));
    }

    @Test
    void concurrentJobsShareBatchesAndEachGetsItsOwnAnswer() throws Exception {
        ServedModel m = TinyModels.model("tiny", 7);
        // references: each prompt alone through the model module's Generator, greedy, stopping at <|end|>
        String[] texts = {"a", "hello there", "what is two plus two?", "x y z", "longer prompt with many words in it", "q"};
        List<int[]> prompts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        Generator gen = new Generator(m.model());
        for (String t : texts) {
            int[] p = prompt(m, t);
            prompts.add(p);
            int[] out = gen.generate(p, 20, SamplingParams.greedy(), m.chatTemplate().endId());
            int len = 0;
            while (len < out.length && !m.tokenizer().isSpecial(out[len])) len++;
            expected.add(m.tokenizer().decode(java.util.Arrays.copyOf(out, len)));
        }
        try (DecodeScheduler s = new DecodeScheduler(m, 64, 16, 50)) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int[] p : prompts) {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    StringBuilder sb = new StringBuilder();
                    GenerationJob job = new GenerationJob(p, 20, List.of(), new SamplingParams[] {SamplingParams.greedy()},
                            new GenerationJob.Listener() {
                                @Override public void onText(int row, String piece) { sb.append(piece); }
                                @Override public void onFinish(int row, GenerationJob.Finish reason, int tokens) { f.complete(sb.toString()); }
                                @Override public void onError(ApiError error) { f.completeExceptionally(error); }
                            }, 60_000);
                    assertThat(s.submit(job)).isTrue();
                    answers.add(f);
                }
            }
            for (int i = 0; i < answers.size(); i++) {
                String got = answers.get(i).get(60, TimeUnit.SECONDS);
                assertThat(got).as("job " + i).isEqualTo(expected.get(i % texts.length));
            }
            assertThat(s.largestBatch()).as("jobs submitted together were decoded together").isGreaterThan(1);
            assertThat(s.batches()).isLessThan(answers.size());
        }
    }

    @Test
    void concurrentHttpRequestsAreAllAnswered() throws Exception {
        try (ServeServer server = TinyModels.server(dir, TinyModels.config(), PromptSet.empty(), TinyModels.model("tiny", 3))) {
            int clients = 24;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<HttpResponse<String>>> rs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int k = i;
                rs.add(pool.submit(() -> TinyModels.post(server, "/v1/chat/completions",
                        "{\"messages\": [{\"role\": \"user\", \"content\": \"question " + k + "\"}], \"max_tokens\": 8, \"seed\": " + k
                                + (k % 3 == 0 ? ", \"stream\": true" : "") + "}")));
            }
            for (Future<HttpResponse<String>> f : rs) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                if (r.body().startsWith("data:")) assertThat(r.body()).endsWith("data: [DONE]\n\n");
                else assertThat(Json.MAPPER.readTree(r.body()).get("choices")).hasSize(1);
            }
            pool.shutdown();
            JsonNode health = Json.MAPPER.readTree(TinyModels.get(server, "/health").body()).get("models").get(0);
            assertThat(health.get("rows").asInt()).isEqualTo(clients);
            assertThat(health.get("largest_batch").asInt()).isGreaterThan(1);
            server.store().close();
        }
    }

    @Test
    void aFullQueueAnswers429AndTheRestStillSucceed() throws Exception {
        ServerConfig c = new ServerConfig("127.0.0.1", 0, Set.of(), 1 << 20, 1, 1, 0, 120_000,
                new GenerationRequest.Limits(1, 64, 16), 2);
        try (ServeServer server = TinyModels.server(dir, c, PromptSet.empty(), TinyModels.model("tiny", 3))) {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<HttpResponse<String>>> rs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                rs.add(pool.submit(() -> TinyModels.post(server, "/v1/chat/completions",
                        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 80, \"temperature\": 0}")));
            }
            int ok = 0, busy = 0;
            for (Future<HttpResponse<String>> f : rs) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                if (r.statusCode() == 200) ok++;
                else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    assertThat(Json.MAPPER.readTree(r.body()).get("error").get("type").asText()).isEqualTo("rate_limit_exceeded");
                    busy++;
                }
            }
            pool.shutdown();
            assertThat(ok).isPositive();
            assertThat(busy).isPositive();
            server.store().close();
        }
    }

    @Test
    void aRequestOverItsTimeoutIs408() throws Exception {
        ServerConfig c = new ServerConfig("127.0.0.1", 0, Set.of(), 1 << 20, 8, 4, 0, 1,
                new GenerationRequest.Limits(1, 64, 16), 2);
        try (ServeServer server = TinyModels.server(dir, c, PromptSet.empty(), TinyModels.model("tiny", 3))) {
            HttpResponse<String> r = TinyModels.post(server, "/v1/chat/completions",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 80}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(408);
            assertThat(Json.MAPPER.readTree(r.body()).get("error").get("code").asText()).isEqualTo("request_timeout");
            server.store().close();
        }
    }

    @Test
    void aCancelledJobStopsAtTheNextStep() throws Exception {
        ServedModel m = TinyModels.model("tiny", 4);
        try (DecodeScheduler s = new DecodeScheduler(m, 4, 4, 0)) {
            CompletableFuture<GenerationJob.Finish> finish = new CompletableFuture<>();
            int[] count = {0};
            GenerationJob[] job = new GenerationJob[1];
            job[0] = new GenerationJob(prompt(m, "go"), 80, List.of(), new SamplingParams[] {SamplingParams.temperature(1f, 1)},
                    new GenerationJob.Listener() {
                        @Override public void onText(int row, String piece) { if (++count[0] == 3) job[0].cancel(); }
                        @Override public void onFinish(int row, GenerationJob.Finish reason, int tokens) { finish.complete(reason); }
                        @Override public void onError(ApiError error) { finish.completeExceptionally(error); }
                    }, 60_000);
            s.submit(job[0]);
            GenerationJob.Finish f = finish.get(30, TimeUnit.SECONDS);
            assertThat(f).isIn(GenerationJob.Finish.CANCELLED, GenerationJob.Finish.STOP);
            if (f == GenerationJob.Finish.CANCELLED) assertThat(s.tokensGenerated()).isLessThan(80);
        }
    }
}
