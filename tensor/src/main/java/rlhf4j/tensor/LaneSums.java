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
        FloatVector q = fold(fold(a, b, UPPER_8, SWAP_8), fold(c, d, UPPER_8, SWAP_8), UPPER_4, SWAP_4);
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
        // likewise adds its bit to the vector index, so lane l ends as vector l's sum
        FloatVector u0 = fold(v0, v8, UPPER_8, SWAP_8), u1 = fold(v1, v9, UPPER_8, SWAP_8);
        FloatVector u2 = fold(v2, v10, UPPER_8, SWAP_8), u3 = fold(v3, v11, UPPER_8, SWAP_8);
        FloatVector u4 = fold(v4, v12, UPPER_8, SWAP_8), u5 = fold(v5, v13, UPPER_8, SWAP_8);
        FloatVector u6 = fold(v6, v14, UPPER_8, SWAP_8), u7 = fold(v7, v15, UPPER_8, SWAP_8);
        FloatVector z0 = fold(u0, u4, UPPER_4, SWAP_4), z1 = fold(u1, u5, UPPER_4, SWAP_4);
        FloatVector z2 = fold(u2, u6, UPPER_4, SWAP_4), z3 = fold(u3, u7, UPPER_4, SWAP_4);
        FloatVector y0 = fold(z0, z2, UPPER_2, SWAP_2), y1 = fold(z1, z3, UPPER_2, SWAP_2);
        fold(y0, y1, UPPER_1, SWAP_1).intoArray(dst, dOff);
    }

    // Lane l: x_l + x_(l^w) where bit w of l is clear, y_l + y_(l^w) where it is set: one tree level
    // for two vectors at once.
    private static FloatVector fold(FloatVector x, FloatVector y, VectorMask<Float> upper, VectorShuffle<Float> swap) {
        return x.blend(y, upper).add(y.blend(x, upper).rearrange(swap));
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
