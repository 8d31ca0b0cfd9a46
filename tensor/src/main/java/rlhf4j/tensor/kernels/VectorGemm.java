package rlhf4j.tensor.kernels;

import static rlhf4j.tensor.kernels.MicroKernel.MR;
import static rlhf4j.tensor.kernels.MicroKernel.NR;

import java.util.concurrent.atomic.AtomicLong;
import rlhf4j.tensor.Parallel;

/**
 * The default backend: packed, register-tiled GEMM on the Vector API.
 *
 * <p>C is cut into rectangular blocks, one task each (so every element of C is written by exactly
 * one task). A task walks k in fixed blocks of KC (256): it packs op(B)[kc × its columns] once
 * into thread-local scratch, then for every MC-row (144) slab of its rows packs op(A)[mc × kc]
 * and runs the {@link MicroKernel} over all tiles, row strip by row strip. Every element's value
 * depends only on the fixed k blocking, never on the task grid, so any thread count gives
 * bit-identical results. Sizes: the packed B panel (KC×NC, 1 MiB) stays in a core's 2 MiB L2 while
 * each packed A strip (MR×KC, 12 KiB) sits in L1. A single matrix whose columns fit one panel splits
 * only its rows: into slabs that free threads claim, each thread packing a small B whole for itself
 * ({@code rowSlabs}), or into row tasks that share each packed panel of a large B
 * ({@code sharedPanel}).
 *
 * <p>Few rows (m ≤ {@value #SMALL_M}, or ≤ {@value #SMALL_M_TRANS_B} with B transposed: the decode
 * step's GEMV) take {@link SmallGemm}: no packing of B, dot products or row updates straight from
 * the operands. Nine to sixteen rows with B transposed (a batched decode step) take
 * {@link LaneRowsGemm}, which puts the rows in a vector's lanes.
 */
public final class VectorGemm implements MatmulBackend {
    // Block sizes; the system properties exist only for tuning on a new machine.
    static final int KC = Math.max(1, Integer.getInteger("rlhf4j.gemm.kc", 256));
    static final int MC = roundUp(Integer.getInteger("rlhf4j.gemm.mc", 144), MR);
    static final int NC = roundUp(Integer.getInteger("rlhf4j.gemm.nc", 1024), NR);
    static final int SMALL_M = 4;
    /**
     * With B transposed (a Linear weight [n, k]) SmallGemm's dot-product blocks beat packing all of B
     * up to this many rows (batched decode steps; a single matrix of 9-16 rows goes to LaneRowsGemm
     * first).
     */
    static final int SMALL_M_TRANS_B = 16;
    /** Below this many multiply-adds a single task does the whole job (forking costs more). */
    private static final long SERIAL_WORK = 1L << 18;

    /**
     * {@link #rowSlabs} has every thread pack the whole of B for itself: worth it only with many rows
     * per thread to spread that over (this many or more) and a B of at most WHOLE_B_MAX packed floats
     * (3 MiB); other one-panel multiplies share packed panels ({@link #sharedPanel}).
     */
    private static final int ROW_SLABS_MIN_ROWS = 2048;
    private static final int WHOLE_B_MAX = 3 << 18;
    private static final AtomicLong CALLS = new AtomicLong();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread packing buffers, allocated once and reused by every call on that thread. */
    static final class Scratch {
        final float[] a = new float[MC * KC + MicroKernel.L];
        final float[] b = new float[NC * KC];
        final float[] tile = new float[MR * NR];
        /** Gather index map for {@link Packing}. */
        final int[] map = new int[Packing.GROUP];
        /** SmallGemm's 4×4 block of dot-product accumulators on their way to the lane tree. */
        final float[] acc = new float[16 * MicroKernel.L];
        float[] rows = new float[0];
        private final float[][] panels = new float[2][];
        /** Every k block of one multiply's B, packed by this thread as its row slabs first need them. */
        float[] wholeB = new float[0];
        /** The multiply whose B wholeB holds, and how many of its k blocks are packed so far. */
        long wholeBCall = -1;
        int wholeBBlocks;

        /**
         * One of two B panels that row tasks on every thread share while the next k block is packed
         * into the other (allocated on first use).
         */
        float[] panel(int which) {
            if (panels[which] == null) panels[which] = new float[NC * KC];
            return panels[which];
        }

        float[] rows(int n) {
            if (rows.length < n) rows = new float[n];
            return rows;
        }
    }

    static Scratch scratch() {
        return SCRATCH.get();
    }

    @Override
    public String name() {
        return "vector-" + MicroKernel.L * 32 + "bit";
    }

    @Override
    public void sgemm(int batch, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, int strideA,
                      float[] b, int bOff, int ldb, int strideB,
                      float[] c, int cOff, int ldc, int strideC,
                      boolean accumulate) {
        if (transB && batch == 1 && LaneRowsGemm.suits(m)) {
            LaneRowsGemm.sgemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        if (fewRows(transB, m)) {
            SmallGemm.sgemm(batch, transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                    c, cOff, ldc, strideC, accumulate);
            return;
        }
        packed(batch, transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB, c, cOff, ldc, strideC,
                accumulate, null, 0);
    }

    // The packed paths fill a row-initialised multiply's C one block of rows at a time, just before
    // that block's first tiles add onto it: in parallel and while the rows are in cache, instead of
    // one pass over all of C on the calling thread first. The decode paths fill C first.
    @Override
    public void sgemmRowInit(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] init, int initOff, float[] c, int cOff, int ldc) {
        if ((transB && LaneRowsGemm.suits(m)) || fewRows(transB, m)) {
            MatmulBackend.super.sgemmRowInit(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, init, initOff, c, cOff, ldc);
            return;
        }
        packed(1, transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, false, init, initOff);
    }

    private static boolean fewRows(boolean transB, int m) {
        return m <= SMALL_M || (transB && m <= SMALL_M_TRANS_B);
    }

    // init (one matrix only): C's rows start as init's n floats, as if filled and then accumulated.
    private static void packed(int batch, boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, int strideA,
                               float[] b, int bOff, int ldb, int strideB,
                               float[] c, int cOff, int ldc, int strideC,
                               boolean accumulate, float[] init, int initOff) {
        int rowStrips = (m + MR - 1) / MR, colStrips = (n + NR - 1) / NR;
        int colBlocks = (colStrips + NC / NR - 1) / (NC / NR), rowBlocks = 1;
        long work = (long) batch * m * n * k;
        if (batch == 1 && colBlocks == 1 && work >= SERIAL_WORK && rowStrips > 1) {
            // all columns fit one panel: only rows are split
            if (m >= ROW_SLABS_MIN_ROWS * Parallel.threads() && (long) ceilDiv(k, KC) * KC * colStrips * NR <= WHOLE_B_MAX) {
                rowSlabs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, init, initOff);
            } else {
                sharedPanel(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, init, initOff,
                        rowStrips, Math.min(rowStrips, Math.max(2 * Parallel.threads(), ceilDiv(m, MC))));
            }
            return;
        }
        // The task grid: rowBlocks × colBlocks per batch entry, block edges on tile boundaries. Four
        // tasks per thread: the faster thread takes more of them (measured against two per
        // thread, paired runs: 1.06-1.12x on the step's n = 1152-1536 multiplies, despite each task
        // packing its own share of A and B)
        int target = work < SERIAL_WORK ? 1 : 4 * Parallel.threads();
        while ((long) batch * rowBlocks * colBlocks < target) {
            int rowsPer = ceilDiv(rowStrips, rowBlocks) * MR, colsPer = ceilDiv(colStrips, colBlocks) * NR;
            if (rowsPer >= colsPer && rowBlocks < rowStrips) rowBlocks++;
            else if (colBlocks < colStrips) colBlocks++;
            else if (rowBlocks < rowStrips) rowBlocks++;
            else break;
        }
        int rb = rowBlocks, cb = colBlocks, perBatch = rb * cb;
        Parallel.forEach(batch * perBatch, task -> {
            int t = task / perBatch, r = (task % perBatch) / cb, q = task % cb;
            int i0 = (int) ((long) rowStrips * r / rb) * MR, i1 = Math.min(m, (int) ((long) rowStrips * (r + 1) / rb) * MR);
            int j0 = (int) ((long) colStrips * q / cb) * NR, j1 = Math.min(n, (int) ((long) colStrips * (q + 1) / cb) * NR);
            block(transA, transB, k, a, aOff + t * strideA, lda, b, bOff + t * strideB, ldb,
                    c, cOff + t * strideC, ldc, accumulate, init, initOff, i0, i1, j0, j1);
        });
    }

    // One panel of columns, many rows and a small B: every MC-row slab is a task, claimed by
    // whichever thread is free, so a thread the machine slows holds up at most one slab, and there
    // is one join per multiply. Each thread packs B's k blocks once per multiply into its own scratch
    // as its slabs first need them, and keeps them for its later slabs. Measured in one process
    // against sharedPanel, each shape's runs paired and alternated: 1.04-1.06x on the config-B
    // training step's m = 4096, n = 384, k = 384-1536 multiplies. It lost where B was large (k =
    // 4096-8192: 0.89-0.98x, out of L2 and re-read by every slab) and where few rows shared the
    // extra packing (config C, m = 768-2304, n = 768: 0.88-0.93x); the two limits keep it out of both.
    // Same k blocking and tile sums as block(), so the results are bit-identical to it.
    private static void rowSlabs(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc, boolean accumulate, float[] init, int initOff) {
        long call = CALLS.incrementAndGet();
        int blocks = ceilDiv(k, KC), panel = KC * ceilDiv(n, NR) * NR;
        Parallel.forEach(ceilDiv(m, MC), slab -> {
            Scratch s = SCRATCH.get();
            if (s.wholeBCall != call) {
                if (s.wholeB.length < blocks * panel) s.wholeB = new float[blocks * panel];
                s.wholeBCall = call;
                s.wholeBBlocks = 0;
            }
            int ic = slab * MC, mc = Math.min(MC, m - ic);
            if (init != null) Gemm.fillRows(init, initOff, c, cOff + ic * ldc, ldc, mc, n);
            for (int kb = 0; kb < blocks; kb++) {
                int pc = kb * KC, kc = Math.min(KC, k - pc);
                if (kb == s.wholeBBlocks) {
                    Packing.packB(b, bOff, ldb, transB, pc, kc, 0, n, s.wholeB, kb * panel, s.map);
                    s.wholeBBlocks++;
                }
                Packing.packA(a, aOff, lda, transA, ic, mc, pc, kc, s.a, s.map);
                tiles(s.a, s.wholeB, kb * panel, s.tile, mc, n, kc, c, cOff + ic * ldc, ldc, accumulate || init != null || pc > 0);
            }
        });
    }

    // All of C's columns fit one panel (n <= NC) and only rows are split: every row task would pack
    // the same B panel, so it is packed once per k block and the row tasks share it read-only
    // (measured: re-packing was ~6% of a training step, 4 tasks x the weight). The packing itself is
    // split into column chunks that run as extra tasks of the previous k block's split, into the
    // other of two panels: no thread waits while one packs (packing on the caller alone left the
    // other core idle for ~5% of a 1024^3 multiply), and there is one fork/join per k block. The
    // caller gives one row task per MC rows (at least two per thread): with a shared panel more row
    // tasks cost no extra packing, and they shorten the wait at each join (measured against four
    // tasks, paired runs: 1.05-1.10x on 1024^3 and the step's k = 4096-8192 multiplies).
    // Same k blocking and tile sums as block(), so results are bit-identical to it.
    private static void sharedPanel(boolean transA, boolean transB, int m, int n, int k,
                                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float[] c, int cOff, int ldc, boolean accumulate, float[] init, int initOff,
                                    int rowStrips, int rb) {
        Scratch own = SCRATCH.get();
        float[][] panels = {own.panel(0), own.panel(1)};
        int colStrips = ceilDiv(n, NR), packTasks = Math.min(colStrips, 2 * Parallel.threads());
        int blocks = ceilDiv(k, KC);
        for (int kb = -1; kb < blocks; kb++) {
            int pc = kb * KC, kc = Math.min(KC, k - pc), next = kb + 1;
            boolean add = accumulate || init != null || pc > 0, packNext = next < blocks, first = kb == 0;
            float[] bp = kb >= 0 ? panels[kb & 1] : null, np = panels[next & 1];
            int computeTasks = kb >= 0 ? rb : 0;
            Parallel.forEach(computeTasks + (packNext ? packTasks : 0), task -> {
                Scratch s = SCRATCH.get();
                if (task < computeTasks) {
                    int r = task;
                    int i0 = (int) ((long) rowStrips * r / rb) * MR, i1 = Math.min(m, (int) ((long) rowStrips * (r + 1) / rb) * MR);
                    for (int ic = i0; ic < i1; ic += MC) {
                        int mc = Math.min(MC, i1 - ic);
                        Packing.packA(a, aOff, lda, transA, ic, mc, pc, kc, s.a, s.map);
                        if (first && init != null) Gemm.fillRows(init, initOff, c, cOff + ic * ldc, ldc, mc, n);
                        tiles(s.a, bp, 0, s.tile, mc, n, kc, c, cOff + ic * ldc, ldc, add);
                    }
                } else {
                    // columns [s0·NR, s1·NR) of the next k block's panel
                    int q = task - computeTasks, p1 = next * KC, kc1 = Math.min(KC, k - p1);
                    int s0 = (int) ((long) colStrips * q / packTasks), s1 = (int) ((long) colStrips * (q + 1) / packTasks);
                    int j0 = s0 * NR, j1 = Math.min(n, s1 * NR);
                    if (j1 > j0) Packing.packB(b, bOff, ldb, transB, p1, kc1, j0, j1 - j0, np, s0 * kc1 * NR, s.map);
                }
            });
        }
    }

    // C[i0:i1, j0:j1] of one batch entry; j1 - j0 <= NC.
    private static void block(boolean transA, boolean transB, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate, float[] init, int initOff,
                              int i0, int i1, int j0, int j1) {
        Scratch s = SCRATCH.get();
        int nc = j1 - j0;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean add = accumulate || init != null || pc > 0;
            Packing.packB(b, bOff, ldb, transB, pc, kc, j0, nc, s.b, 0, s.map);
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                Packing.packA(a, aOff, lda, transA, ic, mc, pc, kc, s.a, s.map);
                if (pc == 0 && init != null) Gemm.fillRows(init, initOff + j0, c, cOff + ic * ldc + j0, ldc, mc, nc);
                tiles(s.a, s.b, 0, s.tile, mc, nc, kc, c, cOff + ic * ldc + j0, ldc, add);
            }
        }
    }

    // All MR×NR tiles of an mc×nc block of C from the packed slab and panel. Row strips outer:
    // the A strip (MR×kc) stays in L1 while B strips stream from L2, and C is walked along its rows,
    // which the hardware prefetcher follows (column-strip order jumped MR rows, a new page, per tile).
    private static void tiles(float[] ap, float[] bp, int bBase, float[] t, int mc, int nc, int kc, float[] c, int cBase, int ldc, boolean add) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int ci = cBase + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    MicroKernel.tile(ap, ir * kc, bp, bBase + jr * kc, kc, c, ci, ldc, add);
                } else {
                    // edge tile: compute it whole into scratch, then write only the part inside C
                    MicroKernel.tile(ap, ir * kc, bp, bBase + jr * kc, kc, t, 0, NR, false);
                    for (int r = 0; r < rows; r++) {
                        int row = ci + r * ldc;
                        for (int j = 0; j < cols; j++) c[row + j] = add ? c[row + j] + t[r * NR + j] : t[r * NR + j];
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return Math.max(multiple, (x + multiple - 1) / multiple * multiple);
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
