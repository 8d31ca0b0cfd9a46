package rlhf4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import rlhf4j.tokenizer.ChatTemplate;

/**
 * The endpoints behind the web pages: thumbs on chat answers, and the comparison loop (next
 * prompt, sample answers, save the person's choice). Sampled answers are kept server-side as a
 * draft until judged, so what is stored is exactly what was shown.
 */
final class FeedbackApi {
    private static final int MAX_NOTE = 2_000, MAX_LABELER = 100, MAX_DRAFTS = 1_000;

    /** Answers shown for one prompt, waiting for a judgment. */
    private record Draft(String prompt, String source, List<FeedbackStore.Response> responses) {}

    private final Models models;
    private final FeedbackStore store;
    private final PromptSet prompts;
    private final ServerConfig config;
    private final List<String> compared; // model of each answer slot before shuffling: A, B, A, B...
    private final Map<String, Draft> drafts = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Draft> e) { return size() > MAX_DRAFTS; }
    });

    FeedbackApi(Models models, FeedbackStore store, PromptSet prompts, ServerConfig config) {
        this.models = models;
        this.store = store;
        this.prompts = prompts;
        this.config = config;
        List<String> names = new ArrayList<>();
        for (DecodeScheduler s : models.all()) names.add(s.model().name());
        compared = names.size() >= 2 ? List.of(names.get(0), names.get(1)) : List.of(names.get(0));
    }

    /** What the pages need to know: models, answers per comparison, prompt count. */
    void config(Context ctx) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode ms = o.putArray("models");
        for (DecodeScheduler s : models.all()) ms.addObject().put("id", s.model().name()).put("context_length", s.model().contextLength());
        o.put("answers", config.answers()).put("prompts", prompts.prompts().size()).put("compare_models", String.join(" vs ", compared));
        ctx.contentType("application/json").result(o.toString());
    }

    void rate(Context ctx) throws SQLException {
        JsonNode b = Json.body(ctx, config.maxBodyBytes());
        if (!b.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        ServedModel m = models.resolve(GenerationRequest.text(b, "model", false));
        JsonNode messages = b.get("messages");
        if (messages == null || !messages.isArray()) throw ApiError.invalid("messages", "'messages' must be the conversation before the answer");
        for (JsonNode x : messages) {
            if (!x.isObject() || !x.path("role").isTextual() || !x.path("content").isTextual())
                throw ApiError.invalid("messages", "each message needs a string 'role' and 'content'");
        }
        String response = GenerationRequest.text(b, "response", true);
        Integer rating = GenerationRequest.integer(b, "rating", -1, 1);
        if (rating == null || rating == 0) throw ApiError.invalid("rating", "'rating' must be 1 (thumbs up) or -1 (thumbs down)");
        JsonNode sampling = b.get("sampling");
        if (sampling != null && !sampling.isNull() && !sampling.isObject()) throw ApiError.invalid("sampling", "'sampling' must be an object");
        String id = store.saveRating(m.name(), messages.toString(), response, rating, labeler(b), note(b),
                sampling == null || sampling.isNull() ? null : sampling.toString());
        ctx.contentType("application/json").result(Json.MAPPER.createObjectNode().put("id", id).put("saved", true).toString());
    }

    /** The next file prompt this labeler has not judged yet, with progress. */
    void next(Context ctx) throws SQLException {
        String labeler = blankToNull(ctx.queryParam("labeler"));
        if (labeler != null && labeler.length() > MAX_LABELER) throw ApiError.invalid("labeler", "labeler names are at most " + MAX_LABELER + " characters");
        Set<String> judged = store.promptsJudgedBy(labeler);
        ObjectNode o = Json.MAPPER.createObjectNode();
        int done = 0, next = -1;
        for (int i = 0; i < prompts.prompts().size(); i++) {
            if (judged.contains(prompts.prompts().get(i).json())) done++;
            else if (next < 0) next = i;
        }
        o.put("done", done).put("total", prompts.prompts().size());
        if (next >= 0) {
            o.put("prompt_index", next);
            o.set("prompt", readJson(prompts.prompts().get(next).json()));
        } else {
            o.putNull("prompt_index");
            o.putNull("prompt");
        }
        ctx.contentType("application/json").result(o.toString());
    }

    /** Samples the answers for a file prompt ({@code prompt_index}) or a typed one ({@code prompt}). */
    void sample(Context ctx) {
        JsonNode b = Json.body(ctx, config.maxBodyBytes());
        if (!b.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        Integer index = GenerationRequest.integer(b, "prompt_index", 0, Math.max(0, prompts.prompts().size() - 1));
        String promptJson, source;
        if (index != null) {
            if (prompts.prompts().isEmpty()) throw ApiError.invalid("prompt_index", "the server has no prompt file (--prompts)");
            promptJson = prompts.prompts().get(index).json();
            source = prompts.prompts().get(index).source();
        } else {
            String typed = GenerationRequest.text(b, "prompt", true);
            if (typed.isBlank()) throw ApiError.invalid("prompt", "'prompt' is empty");
            promptJson = Json.MAPPER.getNodeFactory().textNode(typed).toString();
            source = "typed";
        }
        Double temperature = GenerationRequest.number(b, "temperature", 0, 2);
        Integer maxTokens = GenerationRequest.integer(b, "max_tokens", 1, Integer.MAX_VALUE);
        List<ChatTemplate.Message> messages = messages(readJson(promptJson));

        int k = config.answers();
        List<FeedbackStore.Response> responses = new ArrayList<>();
        long seed = ThreadLocalRandom.current().nextLong();
        float t = temperature == null ? 0.9f : temperature.floatValue();
        // each model samples its share of the answers as one job of n rows
        for (int mi = 0; mi < compared.size(); mi++) {
            int share = k / compared.size() + (mi < k % compared.size() ? 1 : 0);
            ServedModel m = models.resolve(compared.get(mi));
            int[] ids = m.chatTemplate().renderPrompt(messages);
            int room = m.contextLength() - ids.length;
            if (room <= 0) throw new ApiError(400, "invalid_request_error", "context_length_exceeded", "prompt",
                    "the prompt has " + ids.length + " tokens; model '" + m.name() + "' holds " + m.contextLength());
            int max = Math.min(maxTokens == null ? config.limits().defaultMaxTokens() : maxTokens, room);
            GenerationRequest req = new GenerationRequest(true, m.name(), ids, max, List.of(), share, t, 1f, 0,
                    seed + 1000L * mi, false, false);
            Completions.Result r = Completions.collect(models.scheduler(m.name()), req, config.requestTimeoutMs());
            for (int i = 0; i < share; i++) {
                String sampling = Json.MAPPER.createObjectNode().put("temperature", t).put("seed", seed + 1000L * mi + i)
                        .put("max_tokens", max).put("finish_reason", r.finish()[i].openAi).toString();
                responses.add(new FeedbackStore.Response(m.name(), r.texts()[i], sampling));
            }
        }
        Collections.shuffle(responses, ThreadLocalRandom.current()); // the person must not know which model wrote which
        String draftId = UUID.randomUUID().toString();
        drafts.put(draftId, new Draft(promptJson, source, responses));
        ObjectNode o = Json.MAPPER.createObjectNode().put("draft_id", draftId);
        o.set("prompt", readJson(promptJson));
        ArrayNode rs = o.putArray("responses");
        for (FeedbackStore.Response r : responses) rs.add(r.content());
        ctx.contentType("application/json").result(o.toString());
    }

    /** Stores the person's judgment of a draft: {@code choice} is an answer index, "tie" or "both_bad". */
    void judge(Context ctx) throws SQLException {
        JsonNode b = Json.body(ctx, config.maxBodyBytes());
        if (!b.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        String draftId = GenerationRequest.text(b, "draft_id", true);
        JsonNode choice = b.get("choice");
        if (choice == null || choice.isNull()) throw ApiError.missing("choice");
        String labeler = labeler(b), note = note(b);
        Draft d = drafts.get(draftId);
        if (d == null) throw new ApiError(404, "invalid_request_error", "draft_not_found", "draft_id",
                "no answers are waiting under this draft_id (already saved, or too old); sample again");
        FeedbackStore.Outcome outcome;
        Integer best = null;
        if (choice.isIntegralNumber()) {
            best = GenerationRequest.integer(b, "choice", 0, d.responses().size() - 1);
            outcome = FeedbackStore.Outcome.BEST;
        } else if (choice.isTextual() && choice.asText().equals("tie")) {
            outcome = FeedbackStore.Outcome.TIE;
        } else if (choice.isTextual() && choice.asText().equals("both_bad")) {
            outcome = FeedbackStore.Outcome.BOTH_BAD;
        } else {
            throw ApiError.invalid("choice", "'choice' must be an answer index, \"tie\" or \"both_bad\"");
        }
        if (drafts.remove(draftId) == null) throw new ApiError(409, "invalid_request_error", "already_saved", "draft_id",
                "this comparison was just saved by another request");
        String id;
        try {
            id = store.saveComparison(d.prompt(), d.source(), labeler, outcome, best, note, d.responses());
        } catch (SQLException | RuntimeException e) {
            drafts.put(draftId, d); // not saved: let the person retry
            throw e;
        }
        ctx.contentType("application/json").result(Json.MAPPER.createObjectNode().put("id", id).put("saved", true)
                .put("total_comparisons", store.count("comparisons")).toString());
    }

    private static List<ChatTemplate.Message> messages(JsonNode prompt) {
        List<ChatTemplate.Message> out = new ArrayList<>();
        if (prompt.isTextual()) out.add(new ChatTemplate.Message("user", prompt.asText()));
        else for (JsonNode m : prompt) out.add(new ChatTemplate.Message(m.path("role").asText(), m.path("content").asText()));
        return out;
    }

    private static JsonNode readJson(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored prompt is not JSON: " + e.getMessage());
        }
    }

    private static String labeler(JsonNode b) {
        String l = blankToNull(GenerationRequest.text(b, "labeler", false));
        if (l != null && l.length() > MAX_LABELER) throw ApiError.invalid("labeler", "labeler names are at most " + MAX_LABELER + " characters");
        return l;
    }

    private static String note(JsonNode b) {
        String n = blankToNull(GenerationRequest.text(b, "note", false));
        if (n != null && n.length() > MAX_NOTE) throw ApiError.invalid("note", "notes are at most " + MAX_NOTE + " characters");
        return n;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
