package rlhf4j.tensor.ops;

import java.util.Arrays;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/** Splitting and joining along the last dim (copies; a fused qkv projection is split this way). */
public final class Shapes {
    private Shapes() {
    }

    /** x [..., D] → parts [..., sizes[k]] with Σ sizes = D; each part gets its own gradient. */
    public static Tensor[] split(Tensor x, int... sizes) {
        int d = x.dim(-1), rows = x.rows(), total = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            total += s;
        }
        if (total != d) throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes)
                + " add up to " + total + " but the last dim of " + Arrays.toString(x.shape()) + " is " + d);
        boolean grad = Tensor.needsGrad(x);
        Tensor[] parts = new Tensor[sizes.length];
        float[] src = x.data();
        for (int k = 0, off = 0; k < sizes.length; off += sizes[k], k++) {
            int[] shape = x.shape();
            shape[shape.length - 1] = sizes[k];
            parts[k] = Tensor.empty(grad, shape);
            float[] dst = parts[k].data();
            int w = sizes[k], o = off;
            Vec.forRows(rows, w, (r0, r1) -> {
                for (int r = r0; r < r1; r++) System.arraycopy(src, r * d + o, dst, r * w, w);
            });
        }
        if (grad) {
            Tape.push(() -> {
                if (!x.requiresGrad()) return;
                // when every part has a gradient they tile x's whole gradient: a first one is copied
                // in, with no zero fill before and no read of it (q, k, v of every attention layer)
                boolean everyPart = true;
                for (Tensor part : parts) everyPart &= part.gradOrNull() != null;
                boolean overwrite = everyPart && !x.hasGrad();
                float[] gx = overwrite ? x.gradToOverwrite() : null;
                for (int k = 0, off = 0; k < parts.length; off += sizes[k], k++) {
                    float[] g = parts[k].gradOrNull();
                    if (g == null) continue;
                    if (gx == null) gx = x.grad();
                    float[] gxf = gx;
                    int w = sizes[k], o = off;
                    Vec.forRows(rows, w, (r0, r1) -> {
                        for (int r = r0; r < r1; r++) {
                            if (overwrite) System.arraycopy(g, r * w, gxf, r * d + o, w);
                            else Vec.acc(gxf, r * d + o, g, r * w, w);
                        }
                    });
                }
            });
        }
        return parts;
    }

    /** parts [..., D_k] with equal leading dims → [..., Σ D_k]. */
    public static Tensor concat(Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        int[] lead = Arrays.copyOf(parts[0].shape(), parts[0].rank() - 1);
        int d = 0;
        for (Tensor p : parts) {
            if (!Arrays.equals(lead, Arrays.copyOf(p.shape(), p.rank() - 1)) || p.rank() != lead.length + 1) {
                throw new IllegalArgumentException("concat: leading dims differ, " + Arrays.toString(parts[0].shape())
                        + " vs " + Arrays.toString(p.shape()));
            }
            d += p.dim(-1);
        }
        int[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = d;
        Tensor out = Tensor.empty(Tensor.needsGrad(parts), shape);
        int rows = parts[0].rows(), width = d;
        float[] y = out.data();
        for (int k = 0, off = 0; k < parts.length; off += parts[k].dim(-1), k++) {
            float[] src = parts[k].data();
            int w = parts[k].dim(-1), o = off;
            Vec.forRows(rows, w, (r0, r1) -> {
                for (int r = r0; r < r1; r++) System.arraycopy(src, r * w, y, r * width + o, w);
            });
        }
        if (out.requiresGrad()) {
            Tape.push(() -> {
                float[] g = out.gradOrNull();
                if (g == null) return;
                for (int k = 0, off = 0; k < parts.length; off += parts[k].dim(-1), k++) {
                    if (!parts[k].requiresGrad()) continue;
                    float[] gp = parts[k].grad();
                    int w = parts[k].dim(-1), o = off;
                    Vec.forRows(rows, w, (r0, r1) -> {
                        for (int r = r0; r < r1; r++) Vec.acc(gp, r * w, g, r * width + o, w);
                    });
                }
            });
        }
        return out;
    }
}
