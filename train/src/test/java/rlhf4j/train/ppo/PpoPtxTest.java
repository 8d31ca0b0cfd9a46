package rlhf4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.shard.TokenShardWriter;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.loop.MetricsLog;

/** PPO-ptx: the pretraining loss mixed into the policy update pulls the policy toward the corpus, and resume stays exact. */
class PpoPtxTest {
    /** A corpus of one repeated sentence, as byte ids (the test tokenizer's vocabulary is bytes + 5 specials). */
    static Path shards(Path dir) throws IOException {
        byte[] text = "the cat sat on the mat. ".repeat(200).getBytes(StandardCharsets.US_ASCII);
        try (TokenShardWriter w = new TokenShardWriter(dir.resolve("train-00000.bin"), 261, 256)) {
            for (byte b : text) w.write(b & 0xff);
        }
        return dir;
    }

    static PpoConfig withPtx(PpoConfig c, Path shards, double coef) {
        PpoConfig.Ppo p = c.ppo();
        return new PpoConfig(c.model(), new PpoConfig.Data("", "", shards.toString(), 32), c.rollout(),
                new PpoConfig.Ppo(p.epochs(), p.minibatch(), p.clip(), p.valueClip(), p.gamma(), p.lambda(), p.policyLr(),
                        p.valueLr(), p.gradClip(), coef, p.valueWarmup()),
                c.kl(), c.reward(), c.eval(), c.train());
    }

    /** The policy's next-token loss on the corpus sentence. */
    static float corpusLoss(Transformer m) throws Exception {
        byte[] s = "the cat sat on the mat. the cat sat on".getBytes(StandardCharsets.US_ASCII);
        int[] ids = new int[s.length - 1], targets = new int[s.length - 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = s[i];
            targets[i] = s[i + 1];
        }
        try (AutoCloseable ignored = Tape.noGrad()) {
            Tensor l = m.loss(ids, targets, 1, ids.length, null, -1);
            return l.item();
        }
    }

    @Test
    void thePretrainingLossPullsThePolicyTowardTheCorpus(@TempDir Path dir) throws Exception {
        Path corpus = shards(dir);
        PpoConfig base = PpoTrainingTest.config(4, 3e-3, 0.0, 0);
        PpoTrainer plain = PpoTrainingTest.trainer(base, 21), mixed = PpoTrainingTest.trainer(withPtx(base, corpus, 1.0), 21);
        float start = corpusLoss(plain.policy());
        for (int it = 0; it < 4; it++) {
            plain.iteration(it);
            Object ptx = mixed.iteration(it).get("ptx_loss");
            assertTrue(ptx instanceof Double d && Double.isFinite(d), "ptx_loss is logged: " + ptx);
        }
        float without = corpusLoss(plain.policy()), with = corpusLoss(mixed.policy());
        assertTrue(with < without - 0.05 && with < start, "corpus loss: start " + start + ", PPO " + without + ", PPO-ptx " + with);
    }

    @Test
    void resumeWithPtxIsBitExact(@TempDir Path dir) throws Exception {
        Path corpus = shards(java.nio.file.Files.createDirectories(dir.resolve("shards")));
        Path straight = dir.resolve("straight"), halves = dir.resolve("halves");
        PpoTrainingTest.trainer(withPtx(PpoTrainingTest.config(4, 1e-3, 0.05, 0), corpus, 0.5), 3).run(straight, false);
        PpoTrainingTest.trainer(withPtx(PpoTrainingTest.config(2, 1e-3, 0.05, 0), corpus, 0.5), 3).run(halves, false);
        PpoTrainer resumed = PpoTrainingTest.trainer(withPtx(PpoTrainingTest.config(4, 1e-3, 0.05, 0), corpus, 0.5), 3);
        resumed.run(halves, true);
        PpoTrainer fresh = PpoTrainingTest.trainer(withPtx(PpoTrainingTest.config(4, 1e-3, 0.05, 0), corpus, 0.5), 3);
        PpoCheckpoint.load(straight, fresh);
        List<Tensor> a = fresh.policy().parameters(), b = resumed.policy().parameters();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).data(), b.get(i).data(), a.get(i).name());
        List<JsonNode> ma = MetricsLog.read(straight.resolve("metrics.jsonl")), mb = MetricsLog.read(halves.resolve("metrics.jsonl"));
        for (int i = 0; i < ma.size(); i++) {
            assertEquals(ma.get(i).path("ptx_loss").asDouble(), mb.get(i).path("ptx_loss").asDouble(), 0, "ptx_loss at line " + i);
        }
    }

    @Test
    void aCoefficientWithoutShardsIsRefused() {
        PpoConfig c = withPtx(PpoTrainingTest.config(1, 1e-3, 0.0, 0), Path.of(""), 0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PpoTrainingTest.trainer(c, 1));
        assertTrue(e.getMessage().contains("data.ptx"), e.getMessage());
    }
}
