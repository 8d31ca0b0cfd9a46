package rlhf4j.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import rlhf4j.model.Transformer;

class GenerationConfigTest {
    private final Transformer m = GeneratorTest.model("llama");

    @Test
    void anyTokenOfTheStopSetEndsARowAndIsLeftOutOfTheAnswer() {
        int[][] prompts = {{1, 2}, {3, 4, 5}};
        SamplingParams p = new SamplingParams(1.0f, 10, 0.95f, 9);
        // per-row seeds: with one shared sampler, a row that stops early would change the others' draws
        GenerationConfig cfg = GenerationConfig.of(10, p).withRowSeeds(21, 22);
        Generation[] free = new Generator(m).generate(prompts, cfg);
        assertThat(free[0].stopped()).isFalse();
        assertThat(free[0].tokens()).hasSize(10);
        int s0 = free[0].tokens()[3], s1 = free[1].tokens()[5];
        Generation[] cut = new Generator(m).generate(prompts, cfg.withStopTokens(Set.of(s0, s1)));
        for (int b = 0; b < 2; b++) {
            int[] all = free[b].tokens();
            int first = 0;
            while (all[first] != s0 && all[first] != s1) first++;
            assertThat(cut[b].tokens()).as("row %d", b).containsExactly(Arrays.copyOf(all, first));
            assertThat(cut[b].stopToken()).isEqualTo(all[first]);
        }
    }

    @Test
    void theOldSignatureStillIncludesTheStopToken() {
        int[][] prompts = {{1, 2}, {3, 4, 5}};
        SamplingParams p = new SamplingParams(1.0f, 10, 0.95f, 9);
        int[][] old = new Generator(m).generate(prompts, 10, p, -1);
        int stop = old[0][4];
        int[][] stopped = new Generator(m).generate(prompts, 10, p, stop);
        Generation[] now = new Generator(m).generate(prompts, GenerationConfig.of(10, p).withStopTokens(Set.of(stop)));
        for (int b = 0; b < 2; b++) {
            int[] expect = now[b].stopped() ? append(now[b].tokens(), stop) : now[b].tokens();
            assertThat(stopped[b]).containsExactly(expect);
        }
    }

    @Test
    void theStreamSeesEveryTokenOfEveryRowInTheOrderDrawn() {
        int[][] prompts = {{1, 2}, {3, 4, 5}, {6}};
        List<List<Integer>> seen = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        SamplingParams p = SamplingParams.temperature(1f, 4);
        Generation[] free = new Generator(m).generate(prompts, GenerationConfig.of(8, p));
        int stop = free[1].tokens()[2];
        Generation[] g = new Generator(m).generate(prompts, GenerationConfig.of(8, p).withStopTokens(Set.of(stop))
                .withStream((row, token) -> seen.get(row).add(token)));
        for (int b = 0; b < 3; b++) {
            int[] expect = g[b].stopped() ? append(g[b].tokens(), g[b].stopToken()) : g[b].tokens();
            assertThat(seen.get(b)).as("row %d", b).containsExactly(Arrays.stream(expect).boxed().toArray(Integer[]::new));
        }
        assertThat(g[1].stopped()).isTrue();
    }

    @Test
    void rowSeedsMakeARowsSampleIndependentOfTheRestOfTheBatch() {
        int[] a = {1, 2, 3}, b = {4, 5, 6};
        GenerationConfig cfg = GenerationConfig.of(8, SamplingParams.temperature(1.2f, 0));
        Generation[] both = new Generator(m).generate(new int[][] {a, b}, cfg.withRowSeeds(11, 12));
        Generation alone = new Generator(m).generate(new int[][] {b}, cfg.withRowSeeds(12))[0];
        Generation swapped = new Generator(m).generate(new int[][] {b, a}, cfg.withRowSeeds(12, 11))[0];
        assertThat(alone.tokens()).containsExactly(both[1].tokens());
        assertThat(swapped.tokens()).containsExactly(both[1].tokens());
    }

    @Test
    void repetitionPenaltyRescalesTheLogitsOfSeenTokensAsCtrlDoes() {
        int[] prompt = {1, 2, 3, 2, 9};
        float theta = 3f;
        int v = m.config().vocabSize();
        float[] logits = m.logits(m.hidden(prompt, 1, prompt.length, null)).data();
        float[] last = Arrays.copyOfRange(logits, (prompt.length - 1) * v, prompt.length * v);
        for (int t : Set.of(1, 2, 3, 9)) last[t] = last[t] > 0 ? last[t] / theta : last[t] * theta;
        int expected = Sampler.argmax(last, 0, v);
        Generation g = new Generator(m).generate(prompt, GenerationConfig.of(1, SamplingParams.greedy()).withRepetitionPenalty(theta));
        assertThat(g.tokens()).containsExactly(expected);
        // and a strong penalty keeps greedy decoding from looping on what it already said
        Generation plain = new Generator(m).generate(prompt, GenerationConfig.of(20, SamplingParams.greedy()));
        Generation penalized = new Generator(m).generate(prompt, GenerationConfig.of(20, SamplingParams.greedy()).withRepetitionPenalty(50f));
        assertThat(distinct(penalized.tokens())).isGreaterThanOrEqualTo(distinct(plain.tokens()));
    }

    private static long distinct(int[] xs) {
        return Arrays.stream(xs).distinct().count();
    }

    private static int[] append(int[] xs, int x) {
        int[] out = Arrays.copyOf(xs, xs.length + 1);
        out[xs.length] = x;
        return out;
    }
}
