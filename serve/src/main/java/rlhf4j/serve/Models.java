package rlhf4j.serve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The served models by name, each with the decode loop that owns it; the first is the default. */
public final class Models implements AutoCloseable {
    private final Map<String, DecodeScheduler> byName = new LinkedHashMap<>();

    public Models(List<DecodeScheduler> schedulers) {
        if (schedulers.isEmpty()) throw new IllegalArgumentException("serve at least one model");
        for (DecodeScheduler s : schedulers) {
            if (byName.putIfAbsent(s.model().name(), s) != null) throw new IllegalArgumentException(
                    "two models are named '" + s.model().name() + "'; give one another name");
        }
    }

    /** The model a request names; null or absent means the default one; an unknown name is a 404. */
    public ServedModel resolve(String name) {
        return scheduler(name).model();
    }

    public DecodeScheduler scheduler(String name) {
        if (name == null || name.isEmpty()) return byName.values().iterator().next();
        DecodeScheduler s = byName.get(name);
        if (s == null) throw new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "the model '" + GenerationRequest.clip(name) + "' does not exist; GET /v1/models lists the served ones");
        return s;
    }

    public List<DecodeScheduler> all() {
        return List.copyOf(byName.values());
    }

    @Override
    public void close() {
        for (DecodeScheduler s : byName.values()) s.close();
    }
}
