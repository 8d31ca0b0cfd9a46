package rlhf4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import rlhf4j.tensor.ops.Rope;

/**
 * A context-extension scaling of rotary positions, as HF's {@code rope_scaling} in config.json.
 * Both supported kinds only change the inverse frequencies θ^(−2i/hd):
 * <ul>
 *   <li>{@code linear} (position interpolation): every frequency divided by {@code factor}, the
 *       same as dividing positions by it;</li>
 *   <li>{@code llama3}: wavelengths 2π/f longer than original_max_position_embeddings / low_freq_factor
 *       are divided by factor, those shorter than original_max_position_embeddings / high_freq_factor
 *       are kept, and the band between blends the two linearly in original_max / wavelength.</li>
 * </ul>
 *
 * @param type                 "linear" or "llama3"
 * @param factor               how much longer the context is than the original
 * @param lowFreqFactor        llama3 only
 * @param highFreqFactor       llama3 only
 * @param originalMaxPositions llama3 only: the context the model was first trained on
 */
public record RopeScaling(String type, float factor, float lowFreqFactor, float highFreqFactor, int originalMaxPositions) {

    public RopeScaling {
        if (!type.equals("linear") && !type.equals("llama3")) throw new IllegalArgumentException(
                "rope_scaling type '" + type + "' is not supported (linear and llama3 are)");
        if (!(factor > 0)) throw new IllegalArgumentException("rope_scaling factor must be positive, got " + factor);
        if (type.equals("llama3")) {
            if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) throw new IllegalArgumentException(
                    "rope_scaling llama3 needs 0 < low_freq_factor < high_freq_factor, got " + lowFreqFactor
                            + " and " + highFreqFactor);
            if (originalMaxPositions <= 0) throw new IllegalArgumentException(
                    "rope_scaling llama3 needs a positive original_max_position_embeddings, got " + originalMaxPositions);
        }
    }

    public static RopeScaling linear(float factor) {
        return new RopeScaling("linear", factor, 0f, 0f, 0);
    }

    /** The scaled inverse frequencies [hd/2], computed in double and rounded once. */
    public float[] inverseFrequencies(float theta, int headDim) {
        float[] base = Rope.inverseFrequencies(theta, headDim);
        float[] out = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            double f = base[i];
            if (type.equals("linear")) {
                out[i] = (float) (f / factor);
                continue;
            }
            double wavelength = 2 * Math.PI / f;
            double longest = originalMaxPositions / (double) lowFreqFactor;   // longer: scaled fully
            double shortest = originalMaxPositions / (double) highFreqFactor; // shorter: untouched
            if (wavelength > longest) {
                out[i] = (float) (f / factor);
            } else if (wavelength < shortest) {
                out[i] = (float) f;
            } else {
                double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = (float) ((1 - smooth) * f / factor + smooth * f);
            }
        }
        return out;
    }

    /** Reads config.json's {@code rope_scaling} object; null for absent, null or type "default". */
    public static RopeScaling fromJson(JsonNode o) {
        if (o == null || o.isNull() || o.isMissingNode()) return null;
        // older configs say "type", newer ones "rope_type"
        String type = o.hasNonNull("rope_type") ? o.get("rope_type").asText() : o.path("type").asText("");
        if (type.equals("default")) return null;
        if (!type.equals("linear") && !type.equals("llama3")) throw new IllegalArgumentException(
                "config.json: rope_scaling type '" + type + "' is not supported (linear and llama3 are; "
                        + "dynamic, yarn, longrope and others are not)");
        if (!o.hasNonNull("factor")) throw new IllegalArgumentException("config.json: rope_scaling has no 'factor'");
        return new RopeScaling(type, (float) o.get("factor").asDouble(),
                (float) o.path("low_freq_factor").asDouble(1), (float) o.path("high_freq_factor").asDouble(4),
                o.path("original_max_position_embeddings").asInt(0));
    }

    public void writeJson(ObjectNode o) {
        o.put("rope_type", type);
        o.put("type", type);
        o.put("factor", factor);
        if (type.equals("llama3")) {
            o.put("low_freq_factor", lowFreqFactor);
            o.put("high_freq_factor", highFreqFactor);
            o.put("original_max_position_embeddings", originalMaxPositions);
        }
    }
}
