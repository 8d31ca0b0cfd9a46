package rlhf4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class ModelIOTest {
    @TempDir
    Path dir;

    @Test
    void gpt2RoundTripIsExactWithConv1DWeightsTransposedOnDisk() throws Exception {
        Transformer m = new Transformer(TransformerConfig.gpt2(64, 32, 2, 4, 16), new Rng(11));
        ModelIO.save(m, dir);
        Transformer back = ModelIO.load(dir);
        assertThat(back.config()).isEqualTo(m.config());
        assertSameWeights(m, back);
        try (Safetensors.Reader r = Safetensors.open(dir.resolve(ModelIO.WEIGHTS))) {
            assertThat(r.contains("lm_head.weight")).isFalse();
            assertThat(r.entry("transformer.h.0.attn.c_attn.weight").shape()).containsExactly(32, 96);
            Tensor w = m.parameter("transformer.h.0.attn.c_attn.weight"); // [96, 32] in memory
            float[] disk = r.floats("transformer.h.0.attn.c_attn.weight");
            assertThat(disk[5 * 96 + 70]).isEqualTo(w.get(70, 5));
        }
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"n_embd\" : 32");
    }

    @Test
    void llamaRoundTripIsExactAndKeepsAnUntiedHead() {
        Transformer m = new Transformer(TransformerConfig.llama(64, 32, 2, 4, 2, 80, 16), new Rng(12));
        ModelIO.save(m, dir);
        Transformer back = ModelIO.load(dir);
        assertThat(back.config()).isEqualTo(m.config());
        assertSameWeights(m, back);
    }

    @Test
    void scalarHeadIsSavedAsScoreWeightAndLoadsBack() {
        Transformer m = new Transformer(TransformerConfig.llama(64, 32, 1, 4, 2, 64, 16), new Rng(2));
        ScalarHead head = new ScalarHead(32, new Rng(3), 0.1);
        ModelIO.save(m, head, dir);
        Transformer back = ModelIO.load(dir); // score.weight is skipped by the LM loader
        assertSameWeights(m, back);
        assertThat(ModelIO.loadScalarHead(dir, 32).weight().data()).containsExactly(head.weight().data());
        ModelIO.save(m, dir.resolve("lm"));
        assertThatThrownBy(() -> ModelIO.loadScalarHead(dir.resolve("lm"), 32)).hasMessageContaining("score.weight");
    }

    @Test
    void loadNamesTheTensorWhoseShapeIsWrong() {
        Transformer m = new Transformer(TransformerConfig.llama(64, 32, 2, 4, 2, 80, 16), new Rng(12));
        Map<String, Tensor> tensors = new LinkedHashMap<>(m.namedParameters());
        tensors.put("model.layers.1.mlp.up_proj.weight", Tensor.zeros(81, 32));
        Safetensors.write(dir.resolve(ModelIO.WEIGHTS), tensors, null);
        writeConfig(m);
        assertThatThrownBy(() -> ModelIO.load(dir))
                .hasMessageContaining("'model.layers.1.mlp.up_proj.weight'").hasMessageContaining("[81, 32]")
                .hasMessageContaining("[80, 32]");
    }

    @Test
    void loadNamesAMissingAndAnUnexpectedTensor() {
        Transformer m = new Transformer(TransformerConfig.llama(64, 32, 2, 4, 2, 80, 16), new Rng(12));
        Map<String, Tensor> tensors = new LinkedHashMap<>(m.namedParameters());
        tensors.remove("model.norm.weight");
        Safetensors.write(dir.resolve(ModelIO.WEIGHTS), tensors, null);
        writeConfig(m);
        assertThatThrownBy(() -> ModelIO.load(dir)).hasMessageContaining("'model.norm.weight'");

        tensors = new LinkedHashMap<>(m.namedParameters());
        tensors.put("model.layers.2.mlp.up_proj.weight", Tensor.zeros(80, 32));
        Safetensors.write(dir.resolve(ModelIO.WEIGHTS), tensors, null);
        assertThatThrownBy(() -> ModelIO.load(dir)).hasMessageContaining("'model.layers.2.mlp.up_proj.weight'");
    }

    @Test
    void loadsABareGpt2CheckpointWithoutPrefixAndWithMaskBuffers() {
        Transformer m = new Transformer(TransformerConfig.gpt2(64, 32, 1, 4, 16), new Rng(5));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        m.namedParameters().forEach((n, t) -> tensors.put(n.substring("transformer.".length()),
                m.storedTransposed(n) ? ModelIO.transpose(t) : t));
        tensors.put("h.0.attn.bias", Tensor.zeros(1, 1, 16, 16)); // the causal-mask buffer old exports carry
        Safetensors.write(dir.resolve(ModelIO.WEIGHTS), tensors, null);
        writeConfig(m);
        assertSameWeights(m, ModelIO.load(dir));
    }

    private void writeConfig(Transformer m) {
        AtomicFiles.writeString(dir.resolve(ModelIO.CONFIG), m.config().toJsonString());
    }

    private static void assertSameWeights(Transformer a, Transformer b) {
        assertThat(b.namedParameters().keySet()).containsExactlyElementsOf(a.namedParameters().keySet());
        a.namedParameters().forEach((name, t) -> {
            Tensor u = b.parameter(name);
            assertThat(u.shape()).as(name).containsExactly(t.shape());
            assertThat(u.data()).as(name).containsExactly(t.data());
        });
    }
}
