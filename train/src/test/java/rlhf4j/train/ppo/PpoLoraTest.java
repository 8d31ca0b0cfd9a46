package rlhf4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.model.LoraAdapter;
import rlhf4j.model.LoraConfig;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.train.loop.MetricsLog;

/** PPO with LoRA: the reference is the policy's own frozen base (no copy), the update still works, resume is bit-exact. */
class PpoLoraTest {
    private static final LoraConfig LORA = new LoraConfig(4, 16, List.of("q_proj", "v_proj", "up_proj", "down_proj"));

    static PpoTrainer trainer(PpoConfig cfg, Path bases, long seed) {
        Path policyDir = bases.resolve("policy"), valueDir = bases.resolve("value");
        if (!java.nio.file.Files.exists(policyDir.resolve(ModelIO.CONFIG))) {
            ModelIO.save(new Transformer(PpoTrainingTest.tiny(), new Rng(seed)), policyDir);
            ModelIO.save(new Transformer(PpoTrainingTest.tiny(), new Rng(seed + 1)), valueDir);
        }
        Tokenizer tok = PpoTrainingTest.tokenizer();
        Transformer policy = ModelIO.load(policyDir).withLora(LORA, new Rng(seed + 3), policyDir);
        Transformer value = ModelIO.load(valueDir).withLora(LORA, new Rng(seed + 4), valueDir);
        List<String> prompts = List.of("hi", "yo", "ok?", "why", "abc", "zz", "q", "tell me");
        return new PpoTrainer(cfg.withLora(LORA), policy, value, new ScalarHead(32, new Rng(seed + 2), 0.02), tok, prompts,
                PpoTrainingTest.LOW_BYTES, null, null);
    }

    @Test
    void theReferenceSharesThePolicysFrozenWeightsAndTheAdaptersLearn(@TempDir Path dir) {
        PpoTrainer t = trainer(PpoTrainingTest.config(8, 1e-2, 0.0, 0), dir, 11);
        Transformer policy = t.policy(), reference = t.reference();
        for (String name : policy.namedParameters().keySet()) {
            assertSame(policy.parameter(name).data(), reference.parameter(name).data(), name);
        }
        assertTrue(reference.adapters().isEmpty());
        Tokenizer tok = PpoTrainingTest.tokenizer();
        double before = PpoTrainingTest.lowMass(policy, tok);
        float[] frozen = policy.parameter("model.layers.1.mlp.up_proj.weight").data().clone();
        for (int it = 0; it < 8; it++) t.iteration(it);
        // the move is small: a tiny model at GPT-2 init reads its hidden state through a 0.02-scale LM head that LoRA leaves frozen
        double after = PpoTrainingTest.lowMass(policy, tok);
        assertTrue(after > before + 0.005, "P(first token < 128): " + before + " → " + after);
        assertEquals(before, PpoTrainingTest.lowMass(reference, tok), 1e-9);
        assertArrayEquals(frozen, policy.parameter("model.layers.1.mlp.up_proj.weight").data());
    }

    @Test
    void resumeIsBitExact(@TempDir Path dir) {
        Path straight = dir.resolve("straight"), halves = dir.resolve("halves");
        trainer(PpoTrainingTest.config(4, 1e-3, 0.05, 0.5), dir, 3).run(straight, false);
        trainer(PpoTrainingTest.config(2, 1e-3, 0.05, 0.5), dir, 3).run(halves, false);
        PpoTrainer resumed = trainer(PpoTrainingTest.config(4, 1e-3, 0.05, 0.5), dir, 3);
        resumed.run(halves, true);
        PpoTrainer fresh = trainer(PpoTrainingTest.config(4, 1e-3, 0.05, 0.5), dir, 3);
        PpoCheckpoint.load(straight, fresh);
        for (Transformer[] pair : new Transformer[][] {{fresh.policy(), resumed.policy()}, {fresh.value(), resumed.value()}}) {
            for (LoraAdapter a : pair[0].adapters().values()) {
                LoraAdapter b = pair[1].adapters().get(a.module());
                assertArrayEquals(a.a().data(), b.a().data(), a.module());
                assertArrayEquals(a.b().data(), b.b().data(), a.module());
            }
        }
        assertArrayEquals(fresh.valueHead().weight().data(), resumed.valueHead().weight().data());
        List<JsonNode> ma = MetricsLog.read(straight.resolve("metrics.jsonl")), mb = MetricsLog.read(halves.resolve("metrics.jsonl"));
        assertEquals(ma.size(), mb.size());
        for (int i = 0; i < ma.size(); i++) {
            for (String k : List.of("step", "rm_score", "kl", "entropy", "value_loss", "policy_loss", "clip_fraction", "beta")) {
                assertEquals(ma.get(i).path(k).asDouble(), mb.get(i).path(k).asDouble(), 0, k + " at line " + i);
            }
        }
        // the run folder loads as a plain model anywhere (chat, the next stage)
        Transformer merged = ModelIO.load(straight);
        assertTrue(merged.adapters().isEmpty());
        long bytesBase = 0, bytesAdapters = 0;
        for (Tensor p : fresh.policy().parameters()) bytesBase += 4L * p.size();
        for (Tensor p : fresh.policy().trainable()) bytesAdapters += 4L * p.size();
        System.out.printf("ppo lora: policy weights %,d bytes (shared with the reference), adapters %,d bytes%n", bytesBase, bytesAdapters);
    }
}
