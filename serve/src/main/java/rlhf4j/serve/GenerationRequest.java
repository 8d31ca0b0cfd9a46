package rlhf4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.tokenizer.ChatTemplate;

/**
 * A validated {@code /v1/chat/completions} or {@code /v1/completions} body: every field is
 * checked for type and range before anything runs, and a wrong one becomes a 400 naming it.
 * Fields we do not know are ignored, as OpenAI's clients send extras.
 *
 * @param prompt the token ids the answer continues
 */
public record GenerationRequest(boolean chat, String model, int[] prompt, int maxTokens, List<String> stops, int n,
                                float temperature, float topP, int topK, long seed, boolean stream,
                                boolean includeUsage) {

    /** Server-side bounds on what a request may ask for. */
    public record Limits(int maxN, int defaultMaxTokens, int maxMessages) {}

    public static final int MAX_STOPS = 4;

    /** Sampling for choice i: its own seed, so the n choices differ but each is repeatable. */
    public SamplingParams sampling(int i) {
        return new SamplingParams(temperature, topK, topP, seed + i);
    }

    public SamplingParams[] rows() {
        SamplingParams[] rows = new SamplingParams[n];
        for (int i = 0; i < n; i++) rows[i] = sampling(i);
        return rows;
    }

    /** Parses a body; {@code models} resolves the {@code model} field (absent: the first served model). */
    public static GenerationRequest parse(JsonNode body, boolean chat, Models models, Limits limits) {
        if (body == null || !body.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        ServedModel served = models.resolve(text(body, "model", false));
        int[] prompt;
        if (chat) {
            prompt = served.chatTemplate().renderPrompt(messages(body, limits));
        } else {
            prompt = completionPrompt(body, served);
        }
        int context = served.contextLength();
        if (prompt.length >= context) throw new ApiError(400, "invalid_request_error", "context_length_exceeded",
                chat ? "messages" : "prompt", "this model's maximum context length is " + context
                + " tokens, but the prompt has " + prompt.length + "; shorten it");
        Integer asked = integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (asked == null) asked = integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        int maxTokens;
        if (asked == null) {
            maxTokens = Math.min(limits.defaultMaxTokens(), context - prompt.length);
        } else if (prompt.length + asked > context) {
            throw new ApiError(400, "invalid_request_error", "context_length_exceeded", "max_tokens",
                    "this model's maximum context length is " + context + " tokens; you asked for " + asked
                            + " new tokens after a prompt of " + prompt.length + ", so max_tokens can be at most "
                            + (context - prompt.length));
        } else {
            maxTokens = asked;
        }
        Integer n = integer(body, "n", 1, limits.maxN());
        Double temperature = number(body, "temperature", 0, 2);
        Double topP = number(body, "top_p", 0, 1);
        if (topP != null && topP == 0) throw ApiError.invalid("top_p", "top_p must be greater than 0");
        Integer topK = integer(body, "top_k", 0, Integer.MAX_VALUE);
        Long seed = longInt(body, "seed");
        Boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) throw ApiError.invalid("stream_options", "stream_options must be an object");
            Boolean u = bool(so, "include_usage");
            includeUsage = u != null && u;
        }
        unsupported(body);
        return new GenerationRequest(chat, served.name(), prompt, maxTokens, stops(body), n == null ? 1 : n,
                temperature == null ? 1f : temperature.floatValue(), topP == null ? 1f : topP.floatValue(),
                topK == null ? 0 : topK, seed != null ? seed : ThreadLocalRandom.current().nextLong(),
                stream != null && stream, includeUsage);
    }

    private static List<ChatTemplate.Message> messages(JsonNode body, Limits limits) {
        JsonNode ms = body.get("messages");
        if (ms == null || ms.isNull()) throw ApiError.missing("messages");
        if (!ms.isArray()) throw ApiError.invalid("messages", "'messages' must be an array of {role, content} objects");
        if (ms.isEmpty()) throw ApiError.invalid("messages", "'messages' must not be empty");
        if (ms.size() > limits.maxMessages()) throw ApiError.invalid("messages",
                "at most " + limits.maxMessages() + " messages per request, got " + ms.size());
        List<ChatTemplate.Message> out = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiError.invalid(where, where + " must be an object with 'role' and 'content'");
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) throw ApiError.invalid(where + ".role", where + ".role must be a string");
            String r = switch (role.asText()) {
                case "system", "developer" -> "system";
                case "user" -> "user";
                case "assistant" -> "assistant";
                default -> throw ApiError.invalid(where + ".role", where + ".role must be system, developer, user or assistant, not '"
                        + clip(role.asText()) + "'");
            };
            out.add(new ChatTemplate.Message(r, content(m.get("content"), where + ".content")));
        }
        return out;
    }

    /** A string, or OpenAI's list of content parts of which we accept the text ones. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) throw ApiError.invalid(where, where + " is missing");
        if (c.isTextual()) return c.asText();
        if (!c.isArray()) throw ApiError.invalid(where, where + " must be a string or a list of text parts");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = c.get(i);
            JsonNode type = part.get("type"), text = part.get("text");
            if (!part.isObject() || type == null || !"text".equals(type.asText()) || text == null || !text.isTextual())
                throw ApiError.invalid(where + "[" + i + "]", "only {\"type\": \"text\", \"text\": ...} parts are supported");
            sb.append(text.asText());
        }
        return sb.toString();
    }

    private static int[] completionPrompt(JsonNode body, ServedModel served) {
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) throw ApiError.missing("prompt");
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) p = p.get(0);
        if (!p.isTextual()) throw ApiError.invalid("prompt", "'prompt' must be a string (one prompt per request)");
        int[] ids = served.tokenizer().encode(p.asText(), java.util.Set.of());
        if (ids.length == 0) throw ApiError.invalid("prompt", "'prompt' is empty");
        return ids;
    }

    private static List<String> stops(JsonNode body) {
        JsonNode s = body.get("stop");
        if (s == null || s.isNull()) return List.of();
        List<String> out = new ArrayList<>();
        if (s.isTextual()) out.add(s.asText());
        else if (s.isArray()) {
            if (s.size() > MAX_STOPS) throw ApiError.invalid("stop", "at most " + MAX_STOPS + " stop sequences");
            for (JsonNode x : s) {
                if (!x.isTextual()) throw ApiError.invalid("stop", "'stop' must be a string or a list of strings");
                out.add(x.asText());
            }
        } else throw ApiError.invalid("stop", "'stop' must be a string or a list of strings");
        for (String x : out) {
            if (x.isEmpty()) throw ApiError.invalid("stop", "stop sequences must not be empty");
            if (x.length() > 64) throw ApiError.invalid("stop", "stop sequences are at most 64 characters");
        }
        return out;
    }

    private static void unsupported(JsonNode body) {
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !(logprobs.isBoolean() && !logprobs.asBoolean())
                && !(logprobs.isInt() && logprobs.asInt() == 0))
            throw ApiError.invalid("logprobs", "logprobs are not supported by this server");
        for (String f : new String[] {"tools", "functions"}) {
            JsonNode t = body.get(f);
            if (t != null && !t.isNull() && !(t.isArray() && t.isEmpty()))
                throw ApiError.invalid(f, f + " are not supported by this server");
        }
    }

    // ---- typed field readers: absent or null → null; present with the wrong type or range → 400

    static String text(JsonNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) throw ApiError.missing(field);
            return null;
        }
        if (!v.isTextual()) throw ApiError.invalid(field, "'" + field + "' must be a string");
        return v.asText();
    }

    static Integer integer(JsonNode o, String field, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt())
            throw ApiError.invalid(field, "'" + field + "' must be an integer");
        int x = v.intValue();
        if (x < min || x > max) throw ApiError.invalid(field, "'" + field + "' must be between " + min + " and " + max + ", got " + x);
        return x;
    }

    static Long longInt(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiError.invalid(field, "'" + field + "' must be an integer");
        return v.longValue();
    }

    static Double number(JsonNode o, String field, double min, double max) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw ApiError.invalid(field, "'" + field + "' must be a number");
        double x = v.doubleValue();
        if (!(x >= min && x <= max)) throw ApiError.invalid(field, "'" + field + "' must be between " + min + " and " + max + ", got " + x);
        return x;
    }

    static Boolean bool(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw ApiError.invalid(field, "'" + field + "' must be true or false");
        return v.asBoolean();
    }

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
