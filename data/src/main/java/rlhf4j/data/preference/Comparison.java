package rlhf4j.data.preference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One prompt's answers and a labeler's ordering of them, best first. The ordering is a list of
 * tiers: answers in one tier are tied, every answer in an earlier tier beats every answer in a
 * later one. A plain K-wise ranking has K tiers of one; a TRL pair is {@code [[0], [1]]}.
 *
 * @param prompt     the user's question
 * @param responses  the K ≥ 2 answers
 * @param tiers      the labeler's order, best tier first; every answer appears exactly once
 * @param goldTiers  a noise-free reference order (from the gold judge), or null when unknown
 */
public record Comparison(String prompt, List<String> responses, List<int[]> tiers, List<int[]> goldTiers) {
    public Comparison {
        responses = List.copyOf(responses);
        if (responses.size() < 2) throw new IllegalArgumentException("a comparison needs at least 2 responses, got " + responses.size());
        tiers = checkTiers(tiers, responses.size(), "ranking");
        if (goldTiers != null) goldTiers = checkTiers(goldTiers, responses.size(), "gold_ranking");
    }

    /** A TRL-style pair: {@code chosen} beats {@code rejected}. */
    public static Comparison pair(String prompt, String chosen, String rejected) {
        return new Comparison(prompt, List.of(chosen, rejected), List.of(new int[] {0}, new int[] {1}), null);
    }

    /** A strict ranking (no ties), best first. */
    public static List<int[]> strict(int... ranking) {
        List<int[]> out = new ArrayList<>();
        for (int r : ranking) out.add(new int[] {r});
        return out;
    }

    public int k() {
        return responses.size();
    }

    /** Every (winner, loser) pair the labeler's order implies: answers in different tiers. */
    public List<int[]> pairs() {
        return pairsOf(tiers);
    }

    /** The (winner, loser) pairs of the gold order; empty when there is none. */
    public List<int[]> goldPairs() {
        return goldTiers == null ? List.of() : pairsOf(goldTiers);
    }

    /** Unordered pairs the labeler called equal (same tier). */
    public List<int[]> ties() {
        List<int[]> out = new ArrayList<>();
        for (int[] t : tiers) {
            for (int i = 0; i < t.length; i++) for (int j = i + 1; j < t.length; j++) out.add(new int[] {t[i], t[j]});
        }
        return out;
    }

    /** The best-first flat order (tied answers in the order they are listed). */
    public int[] ranking() {
        return tiers.stream().flatMapToInt(Arrays::stream).toArray();
    }

    private static List<int[]> pairsOf(List<int[]> tiers) {
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < tiers.size(); a++) {
            for (int b = a + 1; b < tiers.size(); b++) {
                for (int w : tiers.get(a)) for (int l : tiers.get(b)) out.add(new int[] {w, l});
            }
        }
        return out;
    }

    private static List<int[]> checkTiers(List<int[]> tiers, int k, String what) {
        boolean[] seen = new boolean[k];
        int count = 0;
        List<int[]> copy = new ArrayList<>();
        for (int[] t : tiers) {
            if (t.length == 0) throw new IllegalArgumentException(what + " has an empty tie group");
            for (int i : t) {
                if (i < 0 || i >= k) throw new IllegalArgumentException(what + " names response " + i + " but there are " + k);
                if (seen[i]) throw new IllegalArgumentException(what + " names response " + i + " twice");
                seen[i] = true;
                count++;
            }
            copy.add(t.clone());
        }
        if (count != k) throw new IllegalArgumentException(what + " ranks " + count + " of the " + k + " responses; it must rank all of them");
        return List.copyOf(copy);
    }
}
