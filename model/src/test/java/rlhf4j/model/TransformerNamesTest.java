package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class TransformerNamesTest {

    @Test
    void gpt2ParametersCarryHfNamesInStateDictOrderWithTheHeadTied() {
        Transformer m = new Transformer(TransformerConfig.gpt2(64, 32, 2, 4, 16), new Rng(1));
        List<String> names = List.copyOf(m.namedParameters().keySet());
        assertThat(names).startsWith("transformer.wte.weight", "transformer.wpe.weight",
                "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias",
                "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.bias",
                "transformer.h.0.attn.c_proj.weight", "transformer.h.0.attn.c_proj.bias",
                "transformer.h.0.ln_2.weight", "transformer.h.0.ln_2.bias",
                "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_fc.bias",
                "transformer.h.0.mlp.c_proj.weight", "transformer.h.0.mlp.c_proj.bias");
        assertThat(names).endsWith("transformer.ln_f.weight", "transformer.ln_f.bias");
        assertThat(names).doesNotContain("lm_head.weight").hasSize(2 + 2 * 12 + 2);
        assertThat(m.lmHead()).isSameAs(m.tokenEmbedding());
        // every linear weight is [out, in]
        assertThat(m.parameter("transformer.h.1.attn.c_attn.weight").shape()).containsExactly(96, 32);
        assertThat(m.parameter("transformer.h.1.mlp.c_fc.weight").shape()).containsExactly(128, 32);
        assertThat(m.parameter("transformer.h.1.mlp.c_proj.weight").shape()).containsExactly(32, 128);
        assertThat(m.storedTransposed("transformer.h.1.mlp.c_fc.weight")).isTrue();
        assertThat(m.storedTransposed("transformer.h.1.mlp.c_fc.bias")).isFalse();
        assertThat(m.storedTransposed("transformer.wte.weight")).isFalse();
        // 124M's formula at this size: V·D + P·D + L·(12·D² + 13·D) + 2·D
        assertThat(m.parameterCount()).isEqualTo(64 * 32 + 16 * 32 + 2L * (12 * 32 * 32 + 13 * 32) + 2 * 32);
    }

    @Test
    void llamaParametersCarryHfNamesAndGroupedQueryShapes() {
        Transformer m = new Transformer(TransformerConfig.llama(64, 32, 2, 4, 2, 80, 16), new Rng(1));
        List<String> names = List.copyOf(m.namedParameters().keySet());
        assertThat(names).startsWith("model.embed_tokens.weight",
                "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
                "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
                "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight",
                "model.layers.0.mlp.down_proj.weight", "model.layers.0.input_layernorm.weight",
                "model.layers.0.post_attention_layernorm.weight");
        assertThat(names).endsWith("model.norm.weight", "lm_head.weight").hasSize(1 + 2 * 9 + 2);
        assertThat(m.parameter("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(16, 32);
        assertThat(m.parameter("model.layers.0.mlp.down_proj.weight").shape()).containsExactly(32, 80);
        assertThat(m.storedTransposed("model.layers.0.mlp.down_proj.weight")).isFalse();

        Transformer tied = new Transformer(TransformerConfig.llama(64, 32, 2, 4, 2, 80, 16).withTiedEmbeddings(true), new Rng(1));
        assertThat(tied.namedParameters()).doesNotContainKey("lm_head.weight");
        assertThat(tied.lmHead()).isSameAs(tied.tokenEmbedding());
    }

    @Test
    void initialisationFollowsGpt2() {
        int layers = 4;
        Transformer m = new Transformer(TransformerConfig.gpt2(512, 64, layers, 4, 32), new Rng(7));
        assertThat(m.parameter("transformer.h.0.ln_1.weight").data()).containsOnly(1f);
        assertThat(m.parameter("transformer.h.0.attn.c_attn.bias").data()).containsOnly(0f);
        assertThat(std(m.parameter("transformer.wte.weight"))).isCloseTo(0.02, org.assertj.core.data.Offset.offset(0.001));
        assertThat(std(m.parameter("transformer.h.2.mlp.c_proj.weight")))
                .isCloseTo(0.02 / Math.sqrt(2 * layers), org.assertj.core.data.Offset.offset(0.0005));
        // the same seed gives the same weights
        Transformer again = new Transformer(TransformerConfig.gpt2(512, 64, layers, 4, 32), new Rng(7));
        assertThat(again.parameter("transformer.h.3.mlp.c_fc.weight").data())
                .containsExactly(m.parameter("transformer.h.3.mlp.c_fc.weight").data());
    }

    @Test
    void aCopyHasTheSameWeightsInItsOwnBuffers() {
        Transformer m = new Transformer(TransformerConfig.llama(64, 32, 1, 4, 2, 80, 16), new Rng(4));
        Transformer c = m.copy();
        assertThat(c.config()).isEqualTo(m.config());
        m.namedParameters().forEach((n, p) -> {
            assertThat(c.parameter(n).data()).containsExactly(p.data()).isNotSameAs(p.data());
        });
    }

    @Test
    void segmentPositionsRestartAtEachPackedSequence() {
        int[] segments = {0, 0, 0, 1, 1, 2, -1, -1, /* row 2 */ -1, -1, 5, 5, 5, 5, 5, 5};
        assertThat(Transformer.segmentPositions(segments, 2, 8))
                .containsExactly(0, 1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5);
    }

    private static double std(Tensor t) {
        double s = 0, s2 = 0;
        for (float v : t.data()) {
            s += v;
            s2 += (double) v * v;
        }
        double mean = s / t.size();
        return Math.sqrt(s2 / t.size() - mean * mean);
    }
}
