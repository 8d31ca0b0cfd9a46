package rlhf4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/** GAE, the per-token rewards and both PPO losses against small cases worked by hand. */
class PpoMathTest {
    @Test
    void perTokenRewardsPenalizeKlAndAddTheScoreAtTheEnd() {
        float[] r = Gae.rewards(new float[] {-1f, -2f}, new float[] {-1.5f, -1f}, 2.0, 0.1);
        // −0.1·(−1 − (−1.5)) = −0.05; −0.1·(−2 − (−1)) + 2 = 2.1
        assertArrayEquals(new float[] {-0.05f, 2.1f}, r, 1e-6f);
    }

    @Test
    void gaeMatchesTheRecursionByHand() {
        float[] rewards = {0f, 0f, 1f}, values = {0.5f, 0.2f, 0.1f};
        float[] adv = Gae.advantages(rewards, values, 1.0, 0.95);
        // δ = [0 + 0.2 − 0.5, 0 + 0.1 − 0.2, 1 − 0.1] = [−0.3, −0.1, 0.9]
        // A2 = 0.9; A1 = −0.1 + 0.95·0.9 = 0.755; A0 = −0.3 + 0.95·0.755 = 0.41725
        assertArrayEquals(new float[] {0.41725f, 0.755f, 0.9f}, adv, 1e-6f);
        assertArrayEquals(new float[] {0.91725f, 0.955f, 1.0f}, Gae.returns(adv, values), 1e-6f);
        // γ < 1 discounts the next value too: δ2 = 0.9, δ1 = 0.5·0.1 − 0.2 = −0.15; A1 = −0.15 + 0.5·1·0.9 = 0.3
        float[] discounted = Gae.advantages(rewards, values, 0.5, 1.0);
        assertEquals(0.9f, discounted[2], 1e-6f);
        assertEquals(0.3f, discounted[1], 1e-6f);
        // λ = 0: one-step TD errors
        assertArrayEquals(new float[] {-0.3f, -0.1f, 0.9f}, Gae.advantages(rewards, values, 1.0, 0.0), 1e-6f);
    }

    @Test
    void whitenGivesZeroMeanUnitStd() {
        float[] x = {1f, 2f, 3f, 4f};
        Gae.whiten(x);
        double m = 0, v = 0;
        for (float a : x) m += a;
        for (float a : x) v += (a - m / 4) * (a - m / 4);
        assertEquals(0, m, 1e-6);
        assertEquals(1, v / 3, 1e-5);
    }

    @Test
    void clippedPolicyLossAndItsGradientByHand() {
        Tensor logp = Tensor.param("logp", 3);
        float[] lp = {(float) Math.log(1.5), (float) Math.log(0.5), (float) Math.log(1.1)};
        System.arraycopy(lp, 0, logp.data(), 0, 3);
        float[] old = {0f, 0f, 0f}, adv = {1f, -1f, 2f}, mask = {1f, 1f, 1f};
        try (Tape tape = Tape.record()) {
            Tensor loss = PpoLoss.policy(logp, old, adv, mask, 0.2f);
            // min(1.5, 1.2) = 1.2; min(−0.5, −0.8) = −0.8; min(2.2, 2.2) = 2.2 → −(2.6 / 3)
            assertEquals(-2.6 / 3, loss.item(), 1e-5);
            tape.backward(loss);
        }
        // tokens 0 and 1 sit on the clipped side: no gradient; token 2: −(1/3)·A·ratio = −(1/3)·2·1.1
        assertArrayEquals(new float[] {0f, 0f, (float) (-2 * 1.1 / 3)}, logp.grad(), 1e-5f);
        PpoLoss.Stats s = PpoLoss.stats(lp, old, mask, 0.2f);
        assertEquals(2.0 / 3, s.clipFraction(), 1e-9);
        double k3 = ((0.5 - Math.log(1.5)) + (-0.5 - Math.log(0.5)) + (0.1 - Math.log(1.1))) / 3;
        assertEquals(k3, s.approxKl(), 1e-6);
    }

    @Test
    void maskedOutTokensDoNotCount() {
        Tensor logp = Tensor.param("logp", 2);
        logp.data()[0] = (float) Math.log(1.1);
        logp.data()[1] = 5f;
        try (Tape tape = Tape.record()) {
            Tensor loss = PpoLoss.policy(logp, new float[] {0f, 0f}, new float[] {1f, 100f}, new float[] {1f, 0f}, 0.2f);
            assertEquals(-1.1, loss.item(), 1e-5);
        }
    }

    @Test
    void clippedValueLossByHand() {
        Tensor v = Tensor.param("v", 2);
        v.data()[0] = 1.0f;
        v.data()[1] = 0.0f;
        float[] old = {0.5f, 0.5f}, ret = {2.0f, 0.4f}, mask = {1f, 1f};
        try (Tape tape = Tape.record()) {
            Tensor loss = PpoLoss.value(v, old, ret, mask, 0.2f);
            // V_clip = [0.7, 0.3]; plain [1, 0.16], clipped [1.69, 0.01] → max [1.69, 0.16]; ½·mean = 0.4625
            assertEquals(0.4625, loss.item(), 1e-5);
            tape.backward(loss);
        }
        // token 0: the clipped branch wins and V is outside the clip range → no gradient;
        // token 1: the plain branch wins: ½·(1/2)·2·(V − R) = 0.5·(0 − 0.4)
        assertArrayEquals(new float[] {0f, -0.2f}, v.grad(), 1e-5f);
    }

    @Test
    void adaptiveKlControllerMovesBetaTowardTheTarget() {
        KlController fixed = new KlController(0.02, 0, 10000);
        fixed.update(100, 64);
        assertEquals(0.02, fixed.beta(), 0);
        KlController c = new KlController(0.1, 6, 1000);
        c.update(12, 100); // e clipped to 0.2: β·(1 + 0.2·100/1000)
        assertEquals(0.1 * 1.02, c.beta(), 1e-12);
        c.update(3, 100);  // e = −0.5 → −0.2
        assertEquals(0.1 * 1.02 * 0.98, c.beta(), 1e-12);
    }
}
