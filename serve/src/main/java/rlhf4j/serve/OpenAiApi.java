package rlhf4j.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The OpenAI-compatible endpoints: {@code POST /v1/chat/completions}, {@code POST /v1/completions}
 * (both with {@code stream: true} as server-sent events ending in {@code data: [DONE]}) and
 * {@code GET /v1/models}.
 */
final class OpenAiApi {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    private final Models models;
    private final ServerConfig config;
    private final long started = System.currentTimeMillis() / 1000;

    OpenAiApi(Models models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    void models(Context ctx) {
        ObjectNode root = J.objectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (DecodeScheduler s : models.all()) {
            data.addObject().put("id", s.model().name()).put("object", "model").put("created", started)
                    .put("owned_by", "rlhf4j").put("context_length", s.model().contextLength());
        }
        ctx.contentType("application/json").result(root.toString());
    }

    void chatCompletions(Context ctx) throws IOException {
        complete(ctx, true);
    }

    void completions(Context ctx) throws IOException {
        complete(ctx, false);
    }

    private void complete(Context ctx, boolean chat) throws IOException {
        GenerationRequest req = GenerationRequest.parse(Json.body(ctx, config.maxBodyBytes()), chat, models, config.limits());
        DecodeScheduler scheduler = models.scheduler(req.model());
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) {
            stream(ctx, req, scheduler, id, created);
            return;
        }
        Completions.Result r = Completions.collect(scheduler, req, config.requestTimeoutMs());
        ObjectNode root = J.objectNode().put("id", id).put("object", chat ? "chat.completion" : "text_completion")
                .put("created", created).put("model", req.model());
        ArrayNode choices = root.putArray("choices");
        for (int i = 0; i < req.n(); i++) {
            ObjectNode c = choices.addObject().put("index", i);
            if (chat) c.putObject("message").put("role", "assistant").put("content", r.texts()[i]);
            else c.put("text", r.texts()[i]);
            c.putNull("logprobs");
            c.put("finish_reason", r.finish()[i].openAi);
        }
        root.set("usage", usage(req.prompt().length, r.totalCompletionTokens()));
        root.putNull("system_fingerprint");
        ctx.contentType("application/json").result(root.toString());
    }

    private static ObjectNode usage(int prompt, int completion) {
        return J.objectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /**
     * Server-sent events in OpenAI's chunk format. The status line waits for the first event, so
     * a request that times out in the queue still gets a proper 408 rather than a 200 stream.
     */
    private void stream(Context ctx, GenerationRequest req, DecodeScheduler scheduler, String id, long created)
            throws IOException {
        Completions.Stream s = Completions.stream(scheduler, req, config.requestTimeoutMs());
        boolean chat = req.chat();
        int remaining = req.n(), completionTokens = 0;
        long giveUp = System.currentTimeMillis() + config.requestTimeoutMs() + 5_000;
        OutputStream out = null;
        long lastWrite = System.currentTimeMillis();
        try {
            while (remaining > 0) {
                Completions.Event e = s.next(250);
                if (e == null) {
                    if (System.currentTimeMillis() > giveUp) {
                        s.job().cancel();
                        if (out == null) throw Completions.timeout();
                        send(out, Completions.timeout().toJson().toString());
                        break;
                    }
                    if (out != null && System.currentTimeMillis() - lastWrite > 2_000) {
                        comment(out); // keeps proxies from closing an idle stream, and notices a client that left
                        lastWrite = System.currentTimeMillis();
                    }
                    continue;
                }
                if (e instanceof Completions.Event.Failed f) {
                    if (out == null) throw f.error();
                    send(out, f.error().toJson().toString());
                    break;
                }
                if (out == null) {
                    out = open(ctx);
                    if (chat) for (int i = 0; i < req.n(); i++) send(out, chunk(id, created, req.model(), chat, i,
                            J.objectNode().put("role", "assistant").put("content", ""), null).toString());
                }
                lastWrite = System.currentTimeMillis();
                if (e instanceof Completions.Event.Text t) {
                    ObjectNode delta = J.objectNode().put("content", t.piece());
                    send(out, chunk(id, created, req.model(), chat, t.row(), chat ? delta : null,
                            null, chat ? null : t.piece()).toString());
                } else if (e instanceof Completions.Event.Finished f) {
                    remaining--;
                    completionTokens += f.completionTokens();
                    send(out, chunk(id, created, req.model(), chat, f.row(), chat ? J.objectNode() : null,
                            f.reason().openAi, chat ? null : "").toString());
                }
            }
            if (req.includeUsage()) {
                ObjectNode last = J.objectNode().put("id", id).put("object", chat ? "chat.completion.chunk" : "text_completion")
                        .put("created", created).put("model", req.model());
                last.putArray("choices");
                last.set("usage", usage(req.prompt().length, completionTokens));
                send(out, last.toString());
            }
            send(out, "[DONE]");
        } catch (IOException gone) {
            s.job().cancel(); // the client went away: free its rows at the next decode step
        } catch (InterruptedException ie) {
            s.job().cancel();
            Thread.currentThread().interrupt();
        }
    }

    private static OutputStream open(Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        out.flush();
        return out;
    }

    private static ObjectNode chunk(String id, long created, String model, boolean chat, int index, ObjectNode delta,
                                    String finish) {
        return chunk(id, created, model, chat, index, delta, finish, null);
    }

    private static ObjectNode chunk(String id, long created, String model, boolean chat, int index, ObjectNode delta,
                                    String finish, String text) {
        ObjectNode c = J.objectNode().put("id", id).put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created).put("model", model);
        c.putNull("system_fingerprint");
        ObjectNode choice = c.putArray("choices").addObject().put("index", index);
        if (chat) choice.set("delta", delta);
        else choice.put("text", text == null ? "" : text);
        choice.putNull("logprobs");
        if (finish == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finish);
        return c;
    }

    private static void send(OutputStream out, String data) throws IOException {
        if (out == null) return;
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void comment(OutputStream out) throws IOException {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
