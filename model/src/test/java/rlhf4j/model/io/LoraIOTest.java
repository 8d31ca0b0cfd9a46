package rlhf4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.LoraAdapter;
import rlhf4j.model.LoraConfig;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.TransformerConfig;
import rlhf4j.tensor.Rng;

class LoraIOTest {
    @TempDir
    Path tmp;

    private static Transformer randomModel(TransformerConfig c) {
        Transformer m = new Transformer(c, new Rng(1));
        Rng rng = new Rng(2);
        for (var p : m.parameters()) if (p.rank() == 2) rng.normal(p, 1 / Math.sqrt(p.dim(1)));
        return m;
    }

    private static float[] logits(Transformer m, int[] ids) {
        return m.logits(m.hidden(ids, 1, ids.length, null)).data().clone();
    }

    private Transformer trainedLora(TransformerConfig c, Path base, List<String> targets) {
        Transformer plain = randomModel(c);
        ModelIO.save(plain, base);
        Transformer lora = ModelIO.load(base).withLora(new LoraConfig(4, 8, targets), new Rng(3), base);
        Rng rng = new Rng(4);
        for (LoraAdapter a : lora.adapters().values()) rng.normal(a.b(), 0.3); // as if trained
        return lora;
    }

    @Test
    void aLoraRunFolderLoadsAsTheBaseWithTheAdaptersMergedIn() throws Exception {
        for (TransformerConfig c : List.of(TransformerConfig.llama(40, 32, 2, 4, 2, 64, 16), TransformerConfig.gpt2(40, 32, 2, 4, 16))) {
            Path base = tmp.resolve(c.family().modelType() + "-base"), run = tmp.resolve("runs").resolve(c.family().modelType() + "-lora");
            Transformer lora = trainedLora(c, base, List.of());
            Files.createDirectories(run);
            LoraIO.save(lora, null, run);
            assertThat(LoraIO.isAdapterFolder(run)).isTrue();
            assertThat(Files.exists(run.resolve(ModelIO.WEIGHTS))).isFalse();
            int[] ids = {1, 5, 9, 2, 7, 3};
            float[] want = logits(lora, ids), got = logits(ModelIO.load(run), ids);
            for (int i = 0; i < want.length; i++) assertThat(Math.abs(want[i] - got[i])).isLessThan(1e-5f);
            assertThat(ModelIO.readConfig(run)).isEqualTo(c);

            JsonNode cfg = new ObjectMapper().readTree(run.resolve(LoraIO.ADAPTER_CONFIG).toFile());
            assertThat(cfg.path("base_model_name_or_path").asText()).isEqualTo("../../" + base.getFileName());
            assertThat(cfg.path("r").asInt()).isEqualTo(4);
            assertThat(cfg.path("lora_alpha").asDouble()).isEqualTo(8.0);
            try (Safetensors.Reader r = Safetensors.open(run.resolve(LoraIO.ADAPTER_WEIGHTS))) {
                String module = c.family().modelType().equals("gpt2") ? "transformer.h.1.attn.c_attn" : "model.layers.1.self_attn.v_proj";
                int out = c.family().modelType().equals("gpt2") ? 96 : 16;
                assertThat(r.entry("base_model.model." + module + ".lora_A.weight").shape()).containsExactly(4, 32);
                assertThat(r.entry("base_model.model." + module + ".lora_B.weight").shape()).containsExactly(out, 4);
            }
        }
    }

    @Test
    void adaptersAndTheScalarHeadRoundTripExactly() {
        Path base = tmp.resolve("base"), run = tmp.resolve("rm");
        Transformer lora = trainedLora(TransformerConfig.llama(40, 32, 2, 4, 2, 64, 16), base, List.of("q_proj", "down_proj"));
        ScalarHead head = new ScalarHead(32, new Rng(5), 0.1);
        LoraIO.save(lora, head, run);
        Transformer again = LoraIO.loadWithAdapters(run);
        assertThat(again.adapters().keySet()).containsExactlyElementsOf(lora.adapters().keySet());
        for (String m : lora.adapters().keySet()) {
            assertThat(again.adapters().get(m).a().data()).containsExactly(lora.adapters().get(m).a().data());
            assertThat(again.adapters().get(m).b().data()).containsExactly(lora.adapters().get(m).b().data());
        }
        assertThat(ModelIO.loadScalarHead(run, 32).weight().data()).containsExactly(head.weight().data());
    }

    @Test
    void aMissingBaseIsNamed() throws Exception {
        Path base = tmp.resolve("gone"), run = tmp.resolve("run");
        LoraIO.save(trainedLora(TransformerConfig.gpt2(40, 32, 1, 4, 16), base, List.of()), null, run);
        try (var files = Files.list(base)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(base);
        assertThatThrownBy(() -> ModelIO.load(run)).hasMessageContaining("base model folder '../gone'");
    }
}
