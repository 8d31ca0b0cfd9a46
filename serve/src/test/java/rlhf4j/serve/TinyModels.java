package rlhf4j.serve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.Tokenizer;

/** A random tiny model and a byte tokenizer with the chat tokens, so tests need no training; and a test server. */
final class TinyModels {
    static final int CONTEXT = 96;

    private TinyModels() {}

    /** 256 byte tokens, then the chat template's special tokens. */
    static Tokenizer byteChatTokenizer() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) bytes[b] = new byte[] {(byte) b};
        Map<String, Integer> specials = new HashMap<>();
        int id = 256;
        for (String s : List.of("<|endoftext|>", ChatTemplate.BOS, ChatTemplate.SYSTEM, ChatTemplate.USER,
                ChatTemplate.ASSISTANT, ChatTemplate.END)) specials.put(s, id++);
        return new Tokenizer("bytes-chat", "\\S+|\\s+", bytes, null, specials);
    }

    static ServedModel model(String name, long seed) {
        Tokenizer tok = byteChatTokenizer();
        TransformerConfig c = TransformerConfig.llama(tok.vocabSize(), 32, 2, 4, 2, 64, CONTEXT);
        return new ServedModel(name, new Transformer(c, new Rng(seed)), tok);
    }

    /** A server on a free loopback port with a tiny model and a SQLite store in dir. */
    static ServeServer server(Path dir, ServerConfig config, PromptSet prompts, ServedModel... served) throws Exception {
        List<DecodeScheduler> ss = new java.util.ArrayList<>();
        for (ServedModel m : served) ss.add(new DecodeScheduler(m, config.queueCapacity(), config.maxBatchRows(), config.gatherMillis()));
        FeedbackStore store = FeedbackStore.open(dir.resolve("feedback.db").toString());
        return ServeServer.start(new Models(ss), store, prompts, config.withPort(0));
    }

    static ServerConfig config() {
        return ServerConfig.defaults();
    }

    static ServerConfig withKeys(String... keys) {
        return ServerConfig.defaults().withApiKeys(Set.of(keys));
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> post(ServeServer s, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ServeServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
