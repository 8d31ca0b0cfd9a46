package rlhf4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of a vector accumulator's lanes by one fixed tree, for kernels that end in many dot products
 * (a decode step's GEMM, attention scores). The tree adds lane l to lane l + L/2, then to l + L/4,
 * and so on down to one lane; {@link #sum} does it for one vector, {@link #sum4} and {@link #sum16}
 * for four and sixteen vectors at once by transposing as they add, so no add is spent on a lane
 * already summed. All three give the same bits for the same accumulator (only the two operands of a
 * single add may swap sides, which IEEE addition does not notice), so a result never depends on
 * which of them a kernel's blocking happened to use. The batched forms need 16 lanes (AVX-512);
 * callers check {@link #BATCHED}.
 */
public final class LaneSums {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Whether {@link #sum4} and {@link #sum16} can run here (16 float lanes). */
    public static final boolean BATCHED = L == 16;

    // One tree level w: lanes whose index has bit w set, and the shuffle swapping lane l with l ^ w.
    private static final VectorMask<Float> UPPER_8 = upper(8), UPPER_4 = upper(4), UPPER_2 = upper(2), UPPER_1 = upper(1);
    private static final VectorShuffle<Float> SWAP_8 = swap(8), SWAP_4 = swap(4), SWAP_2 = swap(2), SWAP_1 = swap(1);

    private LaneSums() {
    }

    /** The tree's sum of {@code lanes[0..L)}; overwrites the array. */
    public static float sum(float[] lanes) {
        for (int w = L / 2; w >= 1; w /= 2) {
            for (int l = 0; l < w; l++) lanes[l] = lanes[l] + lanes[l + w];
        }
        return lanes[0];
    }

    /** sums[0..4) = the tree's sums of the four vectors stored at src[o], src[o + L], src[o + 2L], src[o + 3L]. */
    public static void sum4(float[] src, int o, float[] sums) {
        FloatVector a = FloatVector.fromArray(S, src, o), b = FloatVector.fromArray(S, src, o + L);
        FloatVector c = FloatVector.fromArray(S, src, o + 2 * L), d = FloatVector.fromArray(S, src, o + 3 * L);
        // halves: a's in lanes 0-7, b's in 8-15; then quarters: a 0-3, c 4-7, b 8-11, d 12-15
        FloatVector ab = a.blend(b, UPPER_8).add(b.blend(a, UPPER_8).rearrange(SWAP_8));
        FloatVector cd = c.blend(d, UPPER_8).add(d.blend(c, UPPER_8).rearrange(SWAP_8));
        FloatVector q = ab.blend(cd, UPPER_4).add(cd.blend(ab, UPPER_4).rearrange(SWAP_4));
        q = q.add(q.rearrange(SWAP_2));
        q = q.add(q.rearrange(SWAP_1));
        sums[0] = q.lane(0);
        sums[1] = q.lane(8);
        sums[2] = q.lane(4);
        sums[3] = q.lane(12);
    }

    /**
     * dst[dOff + l] = the tree's sum of the vector stored at src[sOff + l·L], for l < 16: four levels
     * of transpose-and-add, 15 folds in all. dst may be src.
     */
    public static void sum16(float[] src, int sOff, float[] dst, int dOff) {
        FloatVector v0 = FloatVector.fromArray(S, src, sOff), v1 = FloatVector.fromArray(S, src, sOff + L);
        FloatVector v2 = FloatVector.fromArray(S, src, sOff + 2 * L), v3 = FloatVector.fromArray(S, src, sOff + 3 * L);
        FloatVector v4 = FloatVector.fromArray(S, src, sOff + 4 * L), v5 = FloatVector.fromArray(S, src, sOff + 5 * L);
        FloatVector v6 = FloatVector.fromArray(S, src, sOff + 6 * L), v7 = FloatVector.fromArray(S, src, sOff + 7 * L);
        FloatVector v8 = FloatVector.fromArray(S, src, sOff + 8 * L), v9 = FloatVector.fromArray(S, src, sOff + 9 * L);
        FloatVector v10 = FloatVector.fromArray(S, src, sOff + 10 * L), v11 = FloatVector.fromArray(S, src, sOff + 11 * L);
        FloatVector v12 = FloatVector.fromArray(S, src, sOff + 12 * L), v13 = FloatVector.fromArray(S, src, sOff + 13 * L);
        FloatVector v14 = FloatVector.fromArray(S, src, sOff + 14 * L), v15 = FloatVector.fromArray(S, src, sOff + 15 * L);
        // level 8: lanes with bit 3 set carry vector p + 8, the others vector p; each later level
        // likewise adds its bit to the vector index, so lane l ends as vector l's sum. Each line is
        // one tree level w for two vectors x, y: lane l gets x_l + x_(l^w) where bit w of l is clear,
        // y_l + y_(l^w) where it is set. Written out, not in a helper taking vectors: C2 compiled such
        // a helper on its own, with the vectors boxed (480 bytes allocated and about 100 ns per call,
        // against none and about 28 ns written out)
        FloatVector u0 = v0.blend(v8, UPPER_8).add(v8.blend(v0, UPPER_8).rearrange(SWAP_8));
        FloatVector u1 = v1.blend(v9, UPPER_8).add(v9.blend(v1, UPPER_8).rearrange(SWAP_8));
        FloatVector u2 = v2.blend(v10, UPPER_8).add(v10.blend(v2, UPPER_8).rearrange(SWAP_8));
        FloatVector u3 = v3.blend(v11, UPPER_8).add(v11.blend(v3, UPPER_8).rearrange(SWAP_8));
        FloatVector u4 = v4.blend(v12, UPPER_8).add(v12.blend(v4, UPPER_8).rearrange(SWAP_8));
        FloatVector u5 = v5.blend(v13, UPPER_8).add(v13.blend(v5, UPPER_8).rearrange(SWAP_8));
        FloatVector u6 = v6.blend(v14, UPPER_8).add(v14.blend(v6, UPPER_8).rearrange(SWAP_8));
        FloatVector u7 = v7.blend(v15, UPPER_8).add(v15.blend(v7, UPPER_8).rearrange(SWAP_8));
        FloatVector z0 = u0.blend(u4, UPPER_4).add(u4.blend(u0, UPPER_4).rearrange(SWAP_4));
        FloatVector z1 = u1.blend(u5, UPPER_4).add(u5.blend(u1, UPPER_4).rearrange(SWAP_4));
        FloatVector z2 = u2.blend(u6, UPPER_4).add(u6.blend(u2, UPPER_4).rearrange(SWAP_4));
        FloatVector z3 = u3.blend(u7, UPPER_4).add(u7.blend(u3, UPPER_4).rearrange(SWAP_4));
        FloatVector y0 = z0.blend(z2, UPPER_2).add(z2.blend(z0, UPPER_2).rearrange(SWAP_2));
        FloatVector y1 = z1.blend(z3, UPPER_2).add(z3.blend(z1, UPPER_2).rearrange(SWAP_2));
        y0.blend(y1, UPPER_1).add(y1.blend(y0, UPPER_1).rearrange(SWAP_1)).intoArray(dst, dOff);
    }

    private static VectorMask<Float> upper(int w) {
        boolean[] m = new boolean[L];
        for (int l = 0; l < L; l++) m[l] = (l & w) != 0;
        return VectorMask.fromValues(S, m);
    }

    private static VectorShuffle<Float> swap(int w) {
        return VectorShuffle.fromOp(S, l -> (l ^ w) & (L - 1));
    }
}
