package rlhf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.serve.DecodeScheduler;
import rlhf4j.serve.FeedbackStore;
import rlhf4j.serve.GenerationRequest;
import rlhf4j.serve.Models;
import rlhf4j.serve.PromptSet;
import rlhf4j.serve.ServeServer;
import rlhf4j.serve.ServedModel;
import rlhf4j.serve.ServerConfig;

/** {@code rlhf4j serve}: the OpenAI-compatible API, the chat page and the comparison page for a run folder. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model: OpenAI-compatible API (/v1), web chat (/), comparison labeling (/compare).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "run folder (config.json, model.safetensors, tokenizer.json)")
    Path model;
    @Option(names = "--model-b", description = "a second run folder: the comparison page then pits answers of both")
    Path modelB;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host;
    @Option(names = "--port", defaultValue = "8000")
    int port;
    @Option(names = "--db", description = "feedback database: a JDBC URL (jdbc:sqlite:..., jdbc:postgresql://...) or a file (default: MODEL/feedback.db)")
    String db;
    @Option(names = "--api-key", description = "required bearer token (repeatable); also read from RLHF4J_API_KEYS (comma-separated)")
    List<String> apiKeys = new ArrayList<>();
    @Option(names = "--prompts", description = "JSONL prompts for the comparison page ({\"prompt\": ...} or {\"messages\": [...]})")
    Path prompts;
    @Option(names = "--answers", defaultValue = "2", description = "answers per comparison, 2 to 4 (default: ${DEFAULT-VALUE})")
    int answers;
    @Option(names = "--max-batch", defaultValue = "16", description = "rows decoded together at most (default: ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--gather-ms", defaultValue = "4", description = "how long to wait for requests to join a batch (default: ${DEFAULT-VALUE})")
    long gatherMs;
    @Option(names = "--queue", defaultValue = "64", description = "waiting requests per model before 429 (default: ${DEFAULT-VALUE})")
    int queue;
    @Option(names = "--timeout-s", defaultValue = "120", description = "request timeout in seconds (default: ${DEFAULT-VALUE})")
    long timeoutS;
    @Option(names = "--max-body-kb", defaultValue = "1024", description = "largest request body (default: ${DEFAULT-VALUE} KiB)")
    long maxBodyKb;
    @Option(names = "--max-n", defaultValue = "8", description = "largest n per request (default: ${DEFAULT-VALUE})")
    int maxN;
    @Option(names = "--default-max-tokens", defaultValue = "256", description = "max_tokens when a request gives none (default: ${DEFAULT-VALUE})")
    int defaultMaxTokens;

    @Override
    public Integer call() throws Exception {
        // Javalin and Jetty log every start step at INFO; the lines below say what a user needs
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        Set<String> keys = new LinkedHashSet<>(apiKeys);
        String env = System.getenv("RLHF4J_API_KEYS");
        if (env != null) for (String k : env.split(",")) if (!k.isBlank()) keys.add(k.strip());
        ServerConfig config = new ServerConfig(host, port, keys, maxBodyKb * 1024, queue, maxBatch, gatherMs, timeoutS * 1000,
                new GenerationRequest.Limits(maxN, defaultMaxTokens, 256), answers);

        List<DecodeScheduler> schedulers = new ArrayList<>();
        ServedModel a = ServedModel.load(model, null);
        schedulers.add(new DecodeScheduler(a, queue, maxBatch, gatherMs));
        if (modelB != null) {
            ServedModel b = ServedModel.load(modelB, null);
            if (b.name().equals(a.name())) b = ServedModel.load(modelB, b.name() + "-b");
            schedulers.add(new DecodeScheduler(b, queue, maxBatch, gatherMs));
        }
        String url = db != null ? db : model.resolve("feedback.db").toString();
        FeedbackStore store = FeedbackStore.open(url);
        PromptSet promptSet = prompts != null ? PromptSet.read(prompts) : PromptSet.empty();
        ServeServer server = ServeServer.start(new Models(schedulers), store, promptSet, config);

        String base = "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + server.port();
        System.out.println("serving " + schedulers.stream().map(s -> s.model().name()).toList() + " on " + base);
        System.out.println("  chat:        " + base + "/");
        System.out.println("  compare:     " + base + "/compare" + (promptSet.prompts().isEmpty() ? "" : " (" + promptSet.prompts().size() + " prompts)"));
        System.out.println("  OpenAI API:  " + base + "/v1  (chat/completions, completions, models)");
        System.out.println("  feedback:    " + FeedbackStore.jdbcUrl(url).replaceAll("(?i)password=[^&;]*", "password=***") + " (schema v" + store.schemaVersion() + ")");
        if (!keys.isEmpty()) System.out.println("  API keys:    " + keys.size() + " (Authorization: Bearer KEY on /v1 and /api)");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                store.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
