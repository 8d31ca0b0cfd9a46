package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.GradCheck;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

class LoraTest {
    private static final int B = 2, T = 5;

    private static float[] logits(Transformer m, int[] ids) {
        return m.logits(m.hidden(ids, B, T, null)).data().clone();
    }

    /** Every B redrawn so the adapters change the output (a fresh one changes nothing). */
    private static void randomizeB(Transformer m, long seed) {
        Rng rng = new Rng(seed);
        for (LoraAdapter a : m.adapters().values()) rng.normal(a.b(), 0.3);
    }

    @Test
    void aFreshAdapterLeavesTheOutputExactlyAsTheBaseModels() {
        for (TransformerConfig c : List.of(TestModels.tinyLlama(), TestModels.tinyGpt2())) {
            Transformer base = TestModels.random(c, 1);
            int[] ids = TestModels.randomIds(B * T, c.vocabSize(), 2);
            List<String> all = c.family() == Family.GPT2 ? LoraConfig.GPT2_PROJECTIONS : LoraConfig.LLAMA_PROJECTIONS;
            Transformer lora = base.withLora(new LoraConfig(4, 8, all), new Rng(3), null);
            // gpt2's c_proj names two projections per block
            assertThat(lora.adapters()).hasSize(c.nLayers() * (c.family() == Family.GPT2 ? 4 : all.size()));
            assertThat(logits(lora, ids)).containsExactly(logits(base, ids));
        }
    }

    @Test
    void targetsMatchTheLastPartOfTheModuleName() {
        Transformer gpt2 = TestModels.random(TestModels.tinyGpt2(), 1).withLora(new LoraConfig(2, 4, List.of("c_proj")), new Rng(1), null);
        assertThat(gpt2.adapters().keySet()).containsExactly("transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_proj",
                "transformer.h.1.attn.c_proj", "transformer.h.1.mlp.c_proj");
        Transformer llama = TestModels.random(TestModels.tinyLlama(), 1).withLora(new LoraConfig(2, 4, List.of()), new Rng(1), null);
        assertThat(llama.adapters().keySet()).containsExactly("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj");
        LoraAdapter q = llama.adapters().get("model.layers.0.self_attn.q_proj");
        assertThat(q.a().shape()).containsExactly(2, 32);
        assertThat(q.b().shape()).containsExactly(32, 2);
        assertThat(q.a().name()).isEqualTo("model.layers.0.self_attn.q_proj.lora_A.weight");
        assertThatThrownBy(() -> TestModels.random(TestModels.tinyLlama(), 1).withLora(new LoraConfig(2, 4, List.of("c_attn")), new Rng(1), null))
                .hasMessageContaining("'c_attn' is not a projection of a llama model");
    }

    @Test
    void finiteDifferencesAgreeWithTheAdapterGradients() {
        for (TransformerConfig c : List.of(TestModels.tinyLlama(), TestModels.tinyGpt2())) {
            Transformer lora = TestModels.random(c, 1).withLora(new LoraConfig(3, 6,
                    c.family() == Family.GPT2 ? List.of("c_attn", "c_fc") : List.of("q_proj", "v_proj", "down_proj")), new Rng(4), null);
            randomizeB(lora, 5);
            int[] ids = TestModels.randomIds(B * T, c.vocabSize(), 6);
            int[] targets = TestModels.randomIds(B * T, c.vocabSize(), 7);
            List<Tensor> adapters = lora.trainable();
            var result = GradCheck.check(() -> lora.loss(ids, targets, B, T, null, -1), 1e-2, 12, adapters.toArray(Tensor[]::new));
            assertThat(result.within(2e-3, 2e-2)).as(c.family() + " " + result).isTrue();
        }
    }

    @Test
    void onlyTheAdaptersReceiveGradients() {
        Transformer base = TestModels.random(TestModels.tinyLlama(), 1);
        Transformer lora = base.withLora(new LoraConfig(2, 4, List.of("q_proj", "up_proj")), new Rng(2), null);
        randomizeB(lora, 3);
        int[] ids = TestModels.randomIds(B * T, 48, 4);
        try (Tape tape = Tape.record()) {
            tape.backward(lora.loss(ids, ids, B, T, null, -1));
        }
        for (Tensor p : lora.namedParameters().values()) {
            assertThat(p.requiresGrad()).as(p.name()).isFalse();
            assertThat(base.parameter(p.name()).hasGrad()).as(p.name()).isFalse();
        }
        assertThat(lora.trainable()).hasSize(8).allSatisfy(p -> assertThat(p.hasGrad()).isTrue());
        // frozen views share the base's storage: no second copy of the weights
        assertThat(lora.parameter("model.layers.0.mlp.up_proj.weight").data())
                .isSameAs(base.parameter("model.layers.0.mlp.up_proj.weight").data());
        assertThat(lora.trainableCount()).isEqualTo(2L * (2 * 32 + 32 * 2) + 2L * (2 * 32 + 64 * 2));
    }

    @Test
    void theMergedModelComputesWhatBasePlusAdapterDoes() {
        for (TransformerConfig c : List.of(TestModels.tinyLlama(), TestModels.tinyGpt2())) {
            Transformer base = TestModels.random(c, 1);
            List<String> all = c.family() == Family.GPT2 ? LoraConfig.GPT2_PROJECTIONS : LoraConfig.LLAMA_PROJECTIONS;
            Transformer lora = base.withLora(new LoraConfig(4, 16, all), new Rng(8), null);
            randomizeB(lora, 9);
            int[] ids = TestModels.randomIds(B * T, c.vocabSize(), 10);
            float[] adapted = logits(lora, ids), merged = logits(lora.merged(), ids), plain = logits(base, ids);
            double worst = 0, moved = 0;
            for (int i = 0; i < adapted.length; i++) {
                worst = Math.max(worst, Math.abs(adapted[i] - merged[i]));
                moved = Math.max(moved, Math.abs(adapted[i] - plain[i]));
            }
            assertThat(worst).as(c.family().modelType()).isLessThan(1e-5);
            assertThat(moved).as("the adapters must change something").isGreaterThan(1e-2);
            // the reference view ignores the adapters
            assertThat(logits(lora.withoutAdapters(), ids)).containsExactly(plain);
        }
    }

    @Test
    void parsesTheCommandLineForm() {
        LoraConfig c = LoraConfig.parse("8,16,q_proj,v_proj");
        assertThat(c.r()).isEqualTo(8);
        assertThat(c.scale()).isEqualTo(2f);
        assertThat(c.targets()).containsExactly("q_proj", "v_proj");
        assertThat(LoraConfig.parse("4,4").targetsFor(Family.GPT2)).containsExactly("c_attn");
        assertThatThrownBy(() -> LoraConfig.parse("8")).hasMessageContaining("r,alpha");
        assertThatThrownBy(() -> LoraConfig.parse("x,16")).hasMessageContaining("r,alpha");
    }
}
