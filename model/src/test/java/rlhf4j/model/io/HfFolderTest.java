package rlhf4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rlhf4j.model.KvCache;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tensor;

/**
 * Folders laid out as transformers saves them, made by interop/make_hf_fixtures.py from plain
 * PyTorch (GPT-2 with the hub's unprefixed names and mask buffers; a sharded Llama with GQA, an
 * untied head and llama3 rope scaling; a BF16 Qwen2 with q/k/v biases and a tied head; an F16
 * Llama with linear rope scaling). Each loads, reproduces the reference logits, and survives
 * a save and load unchanged.
 */
class HfFolderTest {
    static final double ATOL = 1e-4, RTOL = 1e-4;

    @TempDir
    Path tmp;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(HfFolderTest.class.getResource("/hf/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama_sharded", "qwen2_bf16", "llama_f16_linear"})
    void loadsAndMatchesTheReferenceLogitsThenSavesAndLoadsBackUnchanged(String name) throws Exception {
        Path dir = fixture(name);
        Transformer model = ModelIO.load(dir);
        int[] ids;
        float[] expected;
        int batch, seqLen;
        try (Safetensors.Reader r = Safetensors.open(dir.resolve("logits.safetensors"))) {
            ids = r.ints("ids");
            batch = r.entry("ids").shape()[0];
            seqLen = r.entry("ids").shape()[1];
            expected = r.floats("logits");
        }
        float[] logits = model.logits(model.hidden(ids, batch, seqLen, null)).data();
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) logits[i] - expected[i]);
            maxAbs = Math.max(maxAbs, diff);
            assertThat(diff).as("%s logit %d: %s vs reference %s", name, i, logits[i], expected[i])
                    .isLessThanOrEqualTo(ATOL + RTOL * Math.abs(expected[i]));
        }
        System.out.printf("%-18s %,d parameters, max abs logit diff %.2e%n", name, model.parameterCount(), maxAbs);

        // the cached (generation) path gives the same last-position logits
        KvCache cache = model.newCache(batch, seqLen);
        float[] last = model.forwardCached(ids, batch, seqLen, cache).data();
        int v = model.config().vocabSize();
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < v; j++) {
                assertThat((double) last[b * v + j]).isCloseTo(logits[(b * seqLen + seqLen - 1) * v + j],
                        org.assertj.core.data.Offset.offset(1e-4));
            }
        }

        Path out = tmp.resolve(name);
        ModelIO.save(model, out);
        Transformer back = ModelIO.load(out);
        assertThat(back.config()).isEqualTo(model.config());
        assertThat(back.logits(back.hidden(ids, batch, seqLen, null)).data()).containsExactly(logits);
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        Path dir = copyWithout(fixture("qwen2_bf16"), "model.layers.1.self_attn.k_proj.bias");
        assertThatThrownBy(() -> ModelIO.load(dir)).hasMessageContaining("model.layers.1.self_attn.k_proj.bias")
                .hasMessageContaining("qwen2");
    }

    @Test
    void anUnexpectedTensorIsNamed() throws Exception {
        Path dir = copyWith(fixture("qwen2_bf16"), "model.layers.0.self_attn.o_proj.bias", Tensor.zeros(32));
        assertThatThrownBy(() -> ModelIO.load(dir)).hasMessageContaining("model.layers.0.self_attn.o_proj.bias");
    }

    @Test
    void aShardIndexPointingAtTheWrongFileIsNamed() throws Exception {
        Path src = fixture("llama_sharded"), dir = tmp.resolve("bad-index");
        copyFolder(src, dir);
        Path index = dir.resolve("model.safetensors.index.json");
        String text = Files.readString(index).replaceFirst(
                "(\"model.embed_tokens.weight\": \")model-00001", "$1model-00002");
        Files.writeString(index, text);
        assertThatThrownBy(() -> ModelIO.load(dir)).hasMessageContaining("model.embed_tokens.weight")
                .hasMessageContaining("model-00002-of-00002.safetensors");
    }

    @Test
    void aFolderWithoutSafetensorsSaysWhatItLacks() throws IOException {
        Path dir = tmp.resolve("bin-only");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), Files.readString(fixturePath("gpt2").resolve("config.json")));
        Files.writeString(dir.resolve("pytorch_model.bin"), "");
        assertThatThrownBy(() -> ModelIO.load(dir)).hasMessageContaining("model.safetensors")
                .hasMessageContaining("pytorch_model.bin");
    }

    @Test
    void aTensorOfAnUnreadableDtypeIsNamed() throws IOException {
        // a hand-made file: one I8 tensor where a float weight belongs
        Path dir = tmp.resolve("int8");
        copyFolder(fixturePath("gpt2"), dir);
        {
            String header = "{\"wte.weight\":{\"dtype\":\"I8\",\"shape\":[64,32],\"data_offsets\":[0,2048]}}";
            byte[] h = header.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + h.length + 2048).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            buf.putLong(h.length).put(h);
            Files.write(dir.resolve("model.safetensors"), buf.array());
        }
        Transformer model = Transformer.uninitialized(ModelIO.readConfig(dir));
        assertThatThrownBy(() -> ModelIO.loadWeights(model, dir.resolve("model.safetensors")))
                .hasMessageContaining("wte.weight").hasMessageContaining("I8");
    }

    private static Path fixturePath(String name) {
        try {
            return fixture(name);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path copyWithout(Path src, String drop) throws IOException {
        Path dir = tmp.resolve("without");
        copyFolder(src, dir);
        Map<String, Tensor> tensors = readAll(dir.resolve(ModelIO.WEIGHTS));
        tensors.remove(drop);
        Safetensors.write(dir.resolve(ModelIO.WEIGHTS), tensors, Map.of("format", "pt"));
        return dir;
    }

    private Path copyWith(Path src, String name, Tensor extra) throws IOException {
        Path dir = tmp.resolve("with");
        copyFolder(src, dir);
        Map<String, Tensor> tensors = readAll(dir.resolve(ModelIO.WEIGHTS));
        tensors.put(name, extra);
        Safetensors.write(dir.resolve(ModelIO.WEIGHTS), tensors, Map.of("format", "pt"));
        return dir;
    }

    private static Map<String, Tensor> readAll(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Safetensors.Reader r = Safetensors.open(file)) {
            for (String n : r.entries().keySet()) out.put(n, r.tensor(n));
        }
        return out;
    }

    private static void copyFolder(Path src, Path dst) throws IOException {
        Files.createDirectories(dst);
        try (var files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, dst.resolve(f.getFileName()));
        }
    }
}
