package rlhf4j.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.Map;

/**
 * The HTTP server: OpenAI-compatible API under {@code /v1}, the pages' API under {@code /api},
 * the chat page at {@code /}, the comparison page at {@code /compare}, and {@code /health}.
 * With API keys set, every {@code /v1} and {@code /api} call needs {@code Authorization: Bearer KEY};
 * {@code /health} and the static pages (which hold no data; they ask for the key) stay open.
 * Request threads are virtual threads; the model work happens on each model's decode loop.
 */
public final class ServeServer implements AutoCloseable {
    /** Static files: URL path → classpath resource (a fixed list, so no path from a request reaches the classpath). */
    private static final Map<String, String[]> PAGES = Map.of(
            "/", new String[] {"chat.html", "text/html; charset=utf-8"},
            "/compare", new String[] {"compare.html", "text/html; charset=utf-8"},
            "/static/app.css", new String[] {"app.css", "text/css; charset=utf-8"},
            "/static/common.js", new String[] {"common.js", "text/javascript; charset=utf-8"},
            "/static/chat.js", new String[] {"chat.js", "text/javascript; charset=utf-8"},
            "/static/compare.js", new String[] {"compare.js", "text/javascript; charset=utf-8"});

    private final Javalin app;
    private final Models models;
    private final FeedbackStore store;

    private ServeServer(Javalin app, Models models, FeedbackStore store) {
        this.app = app;
        this.models = models;
        this.store = store;
    }

    public static ServeServer start(Models models, FeedbackStore store, PromptSet prompts, ServerConfig config) {
        OpenAiApi openAi = new OpenAiApi(models, config);
        FeedbackApi feedback = new FeedbackApi(models, store, prompts, config);
        byte[][] keys = config.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.http.disableCompression();
            cfg.jetty.modifyServer(server -> server.setStopTimeout(2_000));
        });
        app.before(ctx -> {
            String path = ctx.path();
            if (keys.length > 0 && (path.startsWith("/v1") || path.startsWith("/api"))) authorize(ctx, keys);
        });
        app.get("/health", ctx -> health(ctx, models, store));
        app.get("/v1/models", openAi::models);
        app.post("/v1/chat/completions", openAi::chatCompletions);
        app.post("/v1/completions", openAi::completions);
        app.get("/api/config", feedback::config);
        app.post("/api/ratings", feedback::rate);
        app.get("/api/compare/next", feedback::next);
        app.post("/api/compare/sample", feedback::sample);
        app.post("/api/comparisons", feedback::judge);
        for (var page : PAGES.entrySet()) app.get(page.getKey(), ctx -> resource(ctx, page.getValue()[0], page.getValue()[1]));

        app.exception(ApiError.class, (e, ctx) -> error(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiError(e.getStatus(),
                e.getStatus() == 413 ? "invalid_request_error" : "server_error", null, null, e.getMessage())));
        app.exception(SQLException.class, (e, ctx) -> {
            System.err.println("feedback store: " + e);
            error(ctx, new ApiError(500, "server_error", "store_failed", null, "the feedback could not be saved: " + e.getMessage()));
        });
        app.exception(Exception.class, (e, ctx) -> {
            System.err.println(ctx.method() + " " + ctx.path() + ": " + e);
            error(ctx, new ApiError(500, "server_error", null, null, "internal error: " + e.getClass().getSimpleName()));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().equals("Endpoint " + ctx.method() + " " + ctx.path() + " not found"))
                error(ctx, new ApiError(404, "invalid_request_error", "unknown_url", null,
                        "unknown URL: " + ctx.method() + " " + GenerationRequest.clip(ctx.path())));
        });
        app.error(405, ctx -> error(ctx, new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                "method " + ctx.method() + " is not allowed on " + GenerationRequest.clip(ctx.path()))));
        app.start(config.host(), config.port());
        return new ServeServer(app, models, store);
    }

    private static void authorize(Context ctx, byte[][] keys) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) throw new ApiError(401,
                "invalid_request_error", "invalid_api_key", null, "this server needs an API key: send 'Authorization: Bearer KEY'");
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] k : keys) ok |= MessageDigest.isEqual(k, given); // constant time, and every key is tried
        if (!ok) throw new ApiError(401, "invalid_request_error", "invalid_api_key", null, "incorrect API key provided");
    }

    private static void error(Context ctx, ApiError e) {
        ctx.status(e.status()).contentType("application/json").result(e.toJson().toString());
    }

    private static void health(Context ctx, Models models, FeedbackStore store) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("status", "ok");
        var ms = o.putArray("models");
        for (DecodeScheduler s : models.all()) {
            ms.addObject().put("id", s.model().name()).put("queued", s.queued()).put("active_rows", s.activeRows())
                    .put("batches", s.batches()).put("rows", s.rowsDecoded()).put("tokens", s.tokensGenerated())
                    .put("largest_batch", s.largestBatch());
        }
        o.put("schema_version", store.schemaVersion());
        ctx.contentType("application/json").result(o.toString());
    }

    private static void resource(Context ctx, String name, String type) throws IOException {
        try (InputStream in = ServeServer.class.getResourceAsStream("/rlhf4j/serve/web/" + name)) {
            if (in == null) throw new ApiError(404, "invalid_request_error", "unknown_url", null, "missing page " + name);
            ctx.contentType(type).header("Cache-Control", "no-cache").result(in.readAllBytes());
        }
    }

    public int port() {
        return app.port();
    }

    public Models models() { return models; }

    public FeedbackStore store() { return store; }

    /** Stops accepting requests, then the decode loops; the store is the caller's to close. */
    @Override
    public void close() {
        app.stop();
        models.close();
    }
}
