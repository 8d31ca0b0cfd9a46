package rlhf4j.serve;

import java.util.Set;

/**
 * How the server listens and what it lets a request ask for.
 *
 * @param apiKeys          bearer tokens; empty means no authentication
 * @param maxBodyBytes     larger request bodies are refused with 413 before they are parsed
 * @param queueCapacity    jobs waiting per model beyond which requests get 429
 * @param maxBatchRows     rows (requests × n) decoded together at most
 * @param gatherMillis     how long the decode loop waits for more requests to join a batch
 * @param requestTimeoutMs a request still waiting or decoding after this long is dropped (408)
 * @param answers          answers shown side by side on the comparison page (2..4)
 */
public record ServerConfig(String host, int port, Set<String> apiKeys, long maxBodyBytes, int queueCapacity,
                           int maxBatchRows, long gatherMillis, long requestTimeoutMs,
                           GenerationRequest.Limits limits, int answers) {
    public ServerConfig {
        apiKeys = Set.copyOf(apiKeys);
        if (answers < 2 || answers > 4) throw new IllegalArgumentException("answers per comparison must be 2 to 4, got " + answers);
        if (limits.maxN() > maxBatchRows) throw new IllegalArgumentException(
                "n may be at most the batch rows (" + maxBatchRows + "), not " + limits.maxN());
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8000, Set.of(), 1 << 20, 64, 16, 4, 120_000,
                new GenerationRequest.Limits(8, 256, 256), 2);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, apiKeys, maxBodyBytes, queueCapacity, maxBatchRows, gatherMillis,
                requestTimeoutMs, limits, answers);
    }

    public ServerConfig withApiKeys(Set<String> keys) {
        return new ServerConfig(host, port, keys, maxBodyBytes, queueCapacity, maxBatchRows, gatherMillis,
                requestTimeoutMs, limits, answers);
    }
}
