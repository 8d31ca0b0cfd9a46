package rlhf4j.tensor.ops;

import java.util.Arrays;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * Row lookups: token embeddings, and picking rows out of a batch (the last token of each
 * sequence for a reward head). The backward scatter-adds into the source gradient, where rows may
 * repeat; to keep that deterministic and race-free it is split over column blocks of D, each task
 * walking every id in order.
 */
public final class Embedding {
    private Embedding() {
    }

    /** table [V, D], ids (each in [0, V)) → [...leadingShape, D]; no leadingShape means [ids.length, D]. */
    public static Tensor embedding(Tensor table, int[] ids, int... leadingShape) {
        if (table.rank() != 2) throw new IllegalArgumentException(
                "embedding: table must be [V, D], got " + Arrays.toString(table.shape()));
        int[] lead = leadingShape.length == 0 ? new int[] {ids.length} : leadingShape;
        long n = 1;
        for (int s : lead) n *= s;
        if (n != ids.length) throw new IllegalArgumentException("embedding: leading shape "
                + Arrays.toString(lead) + " holds " + n + " ids, got " + ids.length);
        int[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = table.dim(1);
        return gather("embedding: token id", table, table.dim(0), table.dim(1), ids, shape);
    }

    /** Rows of x viewed as [N, D] (D its last dim) → [rows.length, D]. */
    public static Tensor gatherRows(Tensor x, int[] rows) {
        if (x.rank() < 2) throw new IllegalArgumentException(
                "gatherRows: x must have at least 2 dims, got " + Arrays.toString(x.shape()));
        int d = x.dim(-1);
        return gather("gatherRows: row", x, x.rows(), d, rows, new int[] {rows.length, d});
    }

    // src [N, D] (as rows), index [K] -> out [K, D] (shaped as `shape`)
    private static Tensor gather(String what, Tensor src, int n, int d, int[] index, int[] shape) {
        for (int k = 0; k < index.length; k++) {
            if (index[k] < 0 || index[k] >= n) throw new IndexOutOfBoundsException(
                    what + " " + index[k] + " at position " + k + " is outside [0, " + n + ")");
        }
        // the ids are copied: a caller reusing its array must not change what backward scatters to
        int[] ids = index.clone();
        Tensor out = Tensor.empty(Tensor.needsGrad(src), shape);
        float[] table = src.data(), y = out.data();
        Vec.forRows(ids.length, d, (k0, k1) -> {
            for (int k = k0; k < k1; k++) System.arraycopy(table, ids[k] * d, y, k * d, d);
        });
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null || !src.requiresGrad()) return;
                scatterAdd(g, ids, src.grad(), d);
            });
        }
        return out;
    }

    /** gt[ids[k], :] += g[k, :] for every k in order; parallel over column blocks of d. */
    static void scatterAdd(float[] g, int[] ids, float[] gt, int d) {
        int blocks = (d + Vec.L - 1) / Vec.L;
        // a block is one vector's width of columns; forRows sizes chunks by the work per block
        Vec.forRows(blocks, ids.length * Vec.L, (b0, b1) -> {
            int c0 = b0 * Vec.L, c1 = Math.min(d, b1 * Vec.L);
            for (int k = 0; k < ids.length; k++) Vec.acc(gt, ids[k] * d + c0, g, k * d + c0, c1 - c0);
        });
    }
}
