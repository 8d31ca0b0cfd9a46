package rlhf4j.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class GeneratorTest {

    static Transformer model(String family) {
        TransformerConfig c = family.equals("gpt2") ? TransformerConfig.gpt2(40, 32, 2, 4, 32)
                : TransformerConfig.llama(40, 32, 2, 4, 2, 64, 32);
        Transformer m = new Transformer(c, new Rng(3));
        Rng rng = new Rng(4);
        for (Tensor p : m.parameters()) if (p.rank() == 2) rng.normal(p, 1 / Math.sqrt(p.dim(1)));
        return m;
    }

    /** Greedy decoding the slow way: a full forward over the whole sequence for every new token. */
    static int[] greedyWithoutCache(Transformer m, int[] prompt, int maxNew) {
        int[] seq = prompt.clone();
        int v = m.config().vocabSize();
        for (int i = 0; i < maxNew; i++) {
            float[] logits = m.logits(m.hidden(seq, 1, seq.length, null)).data();
            int next = Sampler.argmax(logits, (seq.length - 1) * v, v);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void batchedGreedyGenerationEqualsOneSequenceAtATimeWithoutCache(String family) {
        Transformer m = model(family);
        int[][] prompts = {{1, 2, 3}, {7}, {4, 5, 6, 7, 8, 9}};
        int[][] out = new Generator(m).generate(prompts, 6, SamplingParams.greedy(), -1);
        for (int b = 0; b < prompts.length; b++) {
            assertThat(out[b]).as("row %d", b).containsExactly(greedyWithoutCache(m, prompts[b], 6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void rowsStopAtTheStopTokenAndSamplingRepeatsWithTheSeed(String family) {
        Transformer m = model(family);
        int[][] prompts = {{1, 2}, {3, 4, 5}};
        SamplingParams p = new SamplingParams(1.0f, 10, 0.95f, 123);
        int[][] a = new Generator(m).generate(prompts, 8, p, -1);
        int[][] b = new Generator(m).generate(prompts, 8, p, -1);
        assertThat(a).isDeepEqualTo(b);
        int stop = a[0][2]; // row 0 emits this token by its third step
        int[][] stopped = new Generator(m).generate(prompts, 8, p, stop);
        int cut = 0;
        while (a[0][cut] != stop) cut++;
        assertThat(stopped[0]).containsExactly(Arrays.copyOf(a[0], cut + 1));
    }
}
