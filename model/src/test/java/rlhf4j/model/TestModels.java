package rlhf4j.model;

import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

/** Small models for tests, with weights large enough that mistakes show in the logits. */
final class TestModels {
    private TestModels() {
    }

    static TransformerConfig tinyLlama() {
        return TransformerConfig.llama(48, 32, 2, 4, 2, 64, 32);
    }

    static TransformerConfig tinyGpt2() {
        return TransformerConfig.gpt2(48, 32, 2, 4, 32);
    }

    /** GPT-2 init, then every matrix redrawn N(0, 1/in) and every norm gain / bias perturbed. */
    static Transformer random(TransformerConfig config, long seed) {
        Transformer m = new Transformer(config, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        for (Tensor p : m.parameters()) {
            if (p.rank() == 2) {
                rng.normal(p, 1 / Math.sqrt(p.dim(1)));
            } else {
                float[] d = p.data();
                for (int i = 0; i < d.length; i++) d[i] += (float) (0.1 * rng.nextGaussian());
            }
        }
        return m;
    }

    static int[] randomIds(int n, int vocab, long seed) {
        Rng rng = new Rng(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rng.nextInt(vocab);
        return ids;
    }
}
