package rlhf4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Rng;
import rlhf4j.tensor.Tensor;

class AdamWTest {
    private static final AdamW.Hyper HYPER = new AdamW.Hyper(1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f);

    /** A small GPT-2-shaped parameter set: decayed matrices, a norm, a bias, embeddings, one multi-chunk tensor. */
    private static List<Tensor> params(long seed) {
        List<Tensor> ps = List.of(
                Tensor.param("transformer.wte.weight", 11, 5),
                Tensor.param("transformer.wpe.weight", 4, 5),
                Tensor.param("transformer.h.0.ln_1.weight", 13),
                Tensor.param("transformer.h.0.attn.c_attn.weight", 7, 13),
                Tensor.param("transformer.h.0.attn.c_attn.bias", 39),
                Tensor.param("transformer.h.0.mlp.c_fc.weight", 40, 1001), // > one chunk, odd tail
                Tensor.param("lm_head.weight", 5, 3));
        Rng rng = new Rng(seed);
        for (Tensor p : ps) rng.normal(p, 0.5);
        return ps;
    }

    private static void fillGrads(List<Tensor> ps, Rng rng) {
        for (Tensor p : ps) {
            float[] g = p.grad();
            for (int i = 0; i < g.length; i++) g[i] = (float) (rng.nextGaussian() * 0.1);
        }
    }

    @Test
    void decaysOnlyMatricesThatAreNotEmbeddings() {
        assertThat(AdamW.decays("transformer.h.0.attn.c_attn.weight", 2)).isTrue();
        assertThat(AdamW.decays("model.layers.3.mlp.gate_proj.weight", 2)).isTrue();
        assertThat(AdamW.decays("lm_head.weight", 2)).isTrue();
        assertThat(AdamW.decays("transformer.h.0.ln_1.weight", 1)).isFalse();
        assertThat(AdamW.decays("model.norm.weight", 1)).isFalse();
        assertThat(AdamW.decays("transformer.h.0.attn.c_attn.bias", 1)).isFalse();
        assertThat(AdamW.decays("transformer.wte.weight", 2)).isFalse();
        assertThat(AdamW.decays("transformer.wpe.weight", 2)).isFalse();
        assertThat(AdamW.decays("model.embed_tokens.weight", 2)).isFalse();
    }

    @Test
    void severalStepsMatchADoublePrecisionReferenceOfPyTorchsFormula() {
        List<Tensor> ps = params(1);
        // Reference state in double, starting from the same float values.
        List<double[]> p = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
        for (Tensor t : ps) {
            double[] d = new double[t.size()];
            for (int i = 0; i < d.length; i++) d[i] = t.data()[i];
            p.add(d);
            m.add(new double[t.size()]);
            v.add(new double[t.size()]);
        }
        AdamW opt = new AdamW(ps, HYPER);
        Rng rng = new Rng(2);
        double b1 = HYPER.beta1(), b2 = HYPER.beta2(), eps = HYPER.eps(), wd = HYPER.weightDecay();
        float[] lrs = {1e-2f, 3e-3f, 2e-2f, 5e-3f, 1e-2f, 1e-3f};
        for (int t = 1; t <= lrs.length; t++) {
            fillGrads(ps, rng);
            double lr = lrs[t - 1];
            for (int k = 0; k < ps.size(); k++) {
                Tensor tensor = ps.get(k);
                boolean decay = AdamW.decays(tensor.name(), tensor.rank());
                double[] pk = p.get(k), mk = m.get(k), vk = v.get(k);
                float[] g = tensor.grad();
                for (int i = 0; i < pk.length; i++) {
                    if (decay) pk[i] -= lr * wd * pk[i];
                    mk[i] = b1 * mk[i] + (1 - b1) * g[i];
                    vk[i] = b2 * vk[i] + (1 - b2) * g[i] * g[i];
                    double mHat = mk[i] / (1 - Math.pow(b1, t)), vHat = vk[i] / (1 - Math.pow(b2, t));
                    pk[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
            opt.step(lrs[t - 1]);
        }
        assertThat(opt.stepCount()).isEqualTo(lrs.length);
        // Error relative to each tensor's largest value (‖got − want‖∞ / ‖want‖∞): elementwise
        // relative error is meaningless where a moment or weight passes near zero by cancellation.
        Map<String, float[]> state = opt.state();
        for (int k = 0; k < ps.size(); k++) {
            String name = ps.get(k).name();
            assertThat(relErr(ps.get(k).data(), p.get(k))).as("param " + name).isLessThan(1e-6);
            assertThat(relErr(state.get("exp_avg." + name), m.get(k))).as("exp_avg " + name).isLessThan(1e-6);
            assertThat(relErr(state.get("exp_avg_sq." + name), v.get(k))).as("exp_avg_sq " + name).isLessThan(1e-6);
        }
    }

    private static double relErr(float[] got, double[] want) {
        double err = 0, scale = 0;
        for (int i = 0; i < got.length; i++) {
            err = Math.max(err, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return err / scale;
    }

    @Test
    void vectorAndScalarPathsGiveTheSameBits() {
        List<Tensor> a = params(3), b = params(3);
        AdamW va = new AdamW(a, HYPER), sb = new AdamW(b, HYPER);
        sb.vectorized = false;
        Rng ra = new Rng(4), rb = new Rng(4);
        for (int t = 0; t < 4; t++) {
            fillGrads(a, ra);
            fillGrads(b, rb);
            va.step(1e-2f);
            sb.step(1e-2f);
        }
        for (int k = 0; k < a.size(); k++) assertThat(a.get(k).data()).isEqualTo(b.get(k).data());
        Map<String, float[]> sa = va.state(), ss = sb.state();
        for (String key : sa.keySet()) assertThat(sa.get(key)).as(key).isEqualTo(ss.get(key));
    }

    @Test
    void embeddingsAndNormsAreNotDecayedWhenTheGradientIsZero() {
        List<Tensor> ps = params(5);
        List<float[]> before = ps.stream().map(t -> t.data().clone()).toList();
        for (Tensor p : ps) p.grad(); // zero gradients: only decay can move a value
        new AdamW(ps, HYPER).step(0.5f);
        for (int k = 0; k < ps.size(); k++) {
            Tensor p = ps.get(k);
            if (AdamW.decays(p.name(), p.rank())) {
                assertThat(p.data()[0]).as(p.name()).isEqualTo(before.get(k)[0] * (1 - 0.5f * 0.1f));
            } else {
                assertThat(p.data()).as(p.name()).isEqualTo(before.get(k));
            }
        }
    }

    @Test
    void parametersWithoutAGradientAreLeftAlone() {
        Tensor w = Tensor.param("h.0.w", 3, 3), u = Tensor.param("h.0.u", 3, 3);
        w.data()[0] = 1f;
        u.data()[0] = 1f;
        u.grad()[0] = 1f;
        new AdamW(List.of(w, u), HYPER).step();
        assertThat(w.hasGrad()).isFalse();
        assertThat(w.data()[0]).isEqualTo(1f);
        assertThat(u.data()[0]).isLessThan(1f);
    }

    @Test
    void restoredStateContinuesExactlyLikeTheOriginal() {
        List<Tensor> a = params(6);
        AdamW opt = new AdamW(a, HYPER);
        Rng rng = new Rng(7);
        for (int t = 0; t < 3; t++) {
            fillGrads(a, rng);
            opt.step(1e-2f);
        }
        // "Checkpoint": copy the values and moments, build a fresh optimizer, restore.
        List<Tensor> b = params(0);
        for (int k = 0; k < a.size(); k++) System.arraycopy(a.get(k).data(), 0, b.get(k).data(), 0, a.get(k).size());
        Map<String, float[]> saved = new LinkedHashMap<>();
        opt.state().forEach((k, val) -> saved.put(k, val.clone()));
        AdamW resumed = new AdamW(b, HYPER);
        resumed.restore(saved, opt.stepCount());
        assertThat(resumed.stepCount()).isEqualTo(3);

        Rng r1 = new Rng(8), r2 = new Rng(8);
        for (int t = 0; t < 2; t++) {
            fillGrads(a, r1);
            fillGrads(b, r2);
            opt.step(1e-2f);
            resumed.step(1e-2f);
        }
        for (int k = 0; k < a.size(); k++) assertThat(b.get(k).data()).isEqualTo(a.get(k).data());
    }

    @Test
    void stateIsOrderedByParameterWithBothMomentsTogether() {
        Tensor w = Tensor.param("a.weight", 2, 2), n = Tensor.param("b.weight", 2);
        assertThat(new AdamW(List.of(w, n), HYPER).state().keySet())
                .containsExactly("exp_avg.a.weight", "exp_avg_sq.a.weight", "exp_avg.b.weight", "exp_avg_sq.b.weight");
    }

    @Test
    void restoreNamesMissingWrongSizedAndUnexpectedEntries() {
        Tensor w = Tensor.param("a.weight", 2, 3), n = Tensor.param("b.weight", 3);
        AdamW opt = new AdamW(List.of(w, n), HYPER);
        Map<String, float[]> bad = new LinkedHashMap<>();
        bad.put("exp_avg.a.weight", new float[6]);
        bad.put("exp_avg_sq.a.weight", new float[5]);
        bad.put("exp_avg.b.weight", new float[3]);
        bad.put("exp_avg.c.weight", new float[3]);
        assertThatThrownBy(() -> opt.restore(bad, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'exp_avg_sq.a.weight' has 5 values but parameter 'a.weight' [2, 3] has 6")
                .hasMessageContaining("missing 'exp_avg_sq.b.weight'")
                .hasMessageContaining("unexpected 'exp_avg.c.weight'");
        assertThat(opt.stepCount()).isZero();
    }

    @Test
    void rejectsUnnamedAndDuplicateParameters() {
        assertThatThrownBy(() -> new AdamW(List.of(Tensor.param("x", 2), Tensor.param("x", 3)), HYPER))
                .hasMessageContaining("'x' appears twice");
        assertThatThrownBy(() -> new AdamW(List.of(Tensor.zeros(2)), HYPER)).hasMessageContaining("no name");
    }
}
