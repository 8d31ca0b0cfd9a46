package rlhf4j.tensor;

/**
 * Which keys each query of {@link Ops#attention} may see.
 *
 * @param causal      query t of T sits at absolute position {@code keyLength - T + t} and sees keys at
 *                    positions up to and including its own (so a KV-cache decode step with T = 1 sees all)
 * @param keyLength   how many key positions of k and v are valid; k and v may be longer (a cache's capacity)
 * @param keySegments optional, {@code [B * keyLength]}: a query sees a key only when both positions
 *                    carry the same segment id (packed sequences); a negative id marks padding, never
 *                    attended; a query whose position is padding outputs zeros. Null: one segment.
 */
public record AttentionMask(boolean causal, int keyLength, int[] keySegments) {
    public static AttentionMask causal(int keyLength) {
        return new AttentionMask(true, keyLength, null);
    }
}
