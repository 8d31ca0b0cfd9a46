package rlhf4j.tensor.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;

class GemmTest {
    private static final int[] SIZES = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 64, 70};
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One GEMM problem with random operands placed at offsets inside padded arrays. */
    private record Problem(boolean ta, boolean tb, int m, int n, int k, int batch,
                           float[] a, int aOff, int lda, int sa, float[] b, int bOff, int ldb, int sb,
                           float[] c, int cOff, int ldc, int sc) {
        static Problem random(Rng rng, boolean ta, boolean tb, int m, int n, int k, int batch, boolean sharedB) {
            int lda = (ta ? m : k) + rng.nextInt(3), ldb = (tb ? k : n) + rng.nextInt(3), ldc = n + rng.nextInt(3);
            int aRows = ta ? k : m, bRows = tb ? n : k;
            int sa = aRows * lda + rng.nextInt(4), sb = sharedB ? 0 : bRows * ldb + rng.nextInt(4), sc = m * ldc + rng.nextInt(4);
            int aOff = rng.nextInt(5), bOff = rng.nextInt(5), cOff = rng.nextInt(5);
            float[] a = gaussian(rng, aOff + batch * sa + 3), b = gaussian(rng, bOff + Math.max(1, batch) * Math.max(sb, bRows * ldb) + 3);
            float[] c = gaussian(rng, cOff + batch * sc + 3);
            return new Problem(ta, tb, m, n, k, batch, a, aOff, lda, sa, b, bOff, ldb, sb, c, cOff, ldc, sc);
        }

        void run(MatmulBackend backend, float[] out, boolean accumulate) {
            backend.sgemm(batch, ta, tb, m, n, k, a, aOff, lda, sa, b, bOff, ldb, sb, out, cOff, ldc, sc, accumulate);
        }

        void runGemm(float[] out, boolean accumulate) {
            Gemm.sgemmBatched(batch, ta, tb, m, n, k, a, aOff, lda, sa, b, bOff, ldb, sb, out, cOff, ldc, sc, accumulate);
        }

        /** Checks out against a double-precision reference computed from the original c. */
        void verify(float[] out, boolean accumulate) {
            for (int t = 0; t < batch; t++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0, mag = 0;
                        for (int p = 0; p < k; p++) {
                            double x = ta ? a[aOff + t * sa + p * lda + i] : a[aOff + t * sa + i * lda + p];
                            double y = tb ? b[bOff + t * sb + j * ldb + p] : b[bOff + t * sb + p * ldb + j];
                            s += x * y;
                            mag += Math.abs(x * y);
                        }
                        int ci = cOff + t * sc + i * ldc + j;
                        if (accumulate) s += c[ci];
                        double tol = 1e-5 * (mag + Math.abs(c[ci])) + 1e-6;
                        if (Math.abs(out[ci] - s) > tol) fail("%s: C[%d][%d][%d] = %f, expected %f", this, t, i, j, out[ci], s);
                    }
                }
            }
            // nothing outside the C slices was touched
            boolean[] inside = new boolean[out.length];
            for (int t = 0; t < batch; t++) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) inside[cOff + t * sc + i * ldc + j] = true;
            for (int x = 0; x < out.length; x++) if (!inside[x] && out[x] != c[x]) fail("%s wrote outside C at %d", this, x);
        }

        @Override
        public String toString() {
            return "gemm(" + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " batch=" + batch
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + ")";
        }
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    @Test
    void matchesADoublePrecisionReferenceOverOddShapesTransposesOffsetsAndAccumulation() {
        Rng rng = new Rng(7);
        int cases = 0;
        for (int trans = 0; trans < 4; trans++) {
            for (int rep = 0; rep < 60; rep++) {
                int m = SIZES[rng.nextInt(SIZES.length)], n = SIZES[rng.nextInt(SIZES.length)], k = SIZES[rng.nextInt(SIZES.length)];
                if (rep < 6) m = 1; // decode-shaped calls
                Problem pr = Problem.random(rng, (trans & 1) != 0, (trans & 2) != 0, m, n, k, 1, false);
                boolean acc = rep % 2 == 1;
                float[] out = pr.c().clone();
                pr.runGemm(out, acc);
                pr.verify(out, acc);
                cases++;
            }
        }
        assertThat(cases).isEqualTo(240);
    }

    @Test
    void transposedAEndingAtTheArrayEndWithNaNBetweenItsRowsIsExact() {
        // op(A) = Aᵀ packs whole vectors that read past each step's rows: what they read (NaN here,
        // in the gap of every stored row) must never reach C, and the last steps, too close to the
        // array's end for a whole vector, must still be packed
        Rng rng = new Rng(5);
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (int[] shape : new int[][] {{36, 40, 300}, {24, 1100, 17}, {300, 64, 520}}) {
                int m = shape[0], n = shape[1], k = shape[2];
                for (int gap : new int[] {0, 5}) {
                    int lda = m + gap;
                    float[] a = new float[(k - 1) * lda + m];
                    for (int p = 0; p < k; p++) {
                        for (int i = 0; i < lda && p * lda + i < a.length; i++) {
                            a[p * lda + i] = i < m ? (float) rng.nextGaussian() : Float.NaN;
                        }
                    }
                    float[] b = gaussian(rng, k * n), c = new float[m * n];
                    Gemm.sgemm(true, false, m, n, k, a, 0, lda, b, 0, n, c, 0, n, false);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0, mag = 0;
                            for (int p = 0; p < k; p++) {
                                s += (double) a[p * lda + i] * b[p * n + j];
                                mag += Math.abs((double) a[p * lda + i] * b[p * n + j]);
                            }
                            if (!(Math.abs(c[i * n + j] - s) <= 1e-5 * mag + 1e-6)) {
                                fail("m=%d n=%d k=%d gap=%d threads=%d: C[%d][%d] = %f, expected %f", m, n, k, gap, threads, i, j, c[i * n + j], s);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void largeShapesCrossEveryBlockBoundary() {
        // k > KC, m > MC, n > NC, none a multiple of the tile
        Rng rng = new Rng(11);
        for (int trans = 0; trans < 4; trans++) {
            Problem pr = Problem.random(rng, (trans & 1) != 0, (trans & 2) != 0, 139, 1049, 301, 1, false);
            float[] out = pr.c().clone();
            pr.runGemm(out, trans % 2 == 0);
            pr.verify(out, trans % 2 == 0);
        }
    }

    @Test
    void batchedCallsWithOwnOrSharedB() {
        Rng rng = new Rng(3);
        for (int trans = 0; trans < 4; trans++) {
            for (boolean shared : new boolean[] {false, true}) {
                for (int m : new int[] {1, 3, 37}) {
                    Problem pr = Problem.random(rng, (trans & 1) != 0, (trans & 2) != 0, m, 29, 19, 5, shared);
                    float[] out = pr.c().clone();
                    pr.runGemm(out, shared);
                    pr.verify(out, shared);
                }
            }
        }
    }

    @Test
    void vectorBackendAgreesWithScalarReferenceBackend() {
        Rng rng = new Rng(5);
        for (int rep = 0; rep < 40; rep++) {
            int m = 1 + rng.nextInt(40), n = 1 + rng.nextInt(70), k = 1 + rng.nextInt(70);
            Problem pr = Problem.random(rng, rng.nextInt(2) == 1, rng.nextInt(2) == 1, m, n, k, 2, false);
            float[] fast = pr.c().clone(), slow = pr.c().clone();
            pr.run(new VectorGemm(), fast, true);
            pr.run(new ScalarGemm(), slow, true);
            for (int i = 0; i < fast.length; i++) {
                assertThat((double) fast[i]).as("%s element %d", pr, i).isCloseTo(slow[i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(slow[i]))));
            }
        }
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalResults() {
        Rng rng = new Rng(9);
        int[][] shapes = {{1, 3000, 517}, {3, 700, 300}, {200, 300, 600}, {517, 1100, 70}, {64, 64, 1000}};
        for (int[] s : shapes) {
            for (int trans = 0; trans < 4; trans++) {
                Problem pr = Problem.random(rng, (trans & 1) != 0, (trans & 2) != 0, s[0], s[1], s[2], 2, false);
                float[] one = pr.c().clone(), two = pr.c().clone(), twoAgain = pr.c().clone();
                Parallel.setThreads(1);
                pr.runGemm(one, true);
                Parallel.setThreads(2);
                pr.runGemm(two, true);
                pr.runGemm(twoAgain, true);
                assertThat(two).as("%s", pr).isEqualTo(one);
                assertThat(twoAgain).as("%s", pr).isEqualTo(one);
            }
        }
    }

    @Test
    void singleMatricesWithOnePanelOfColumnsAreExactAndIndependentOfTheThreadCount() {
        // n <= NC: row slabs over a B each thread packs whole ({4100, 70, 300}: many rows, small B),
        // or row tasks sharing packed panels ({301, 517, 389}: few rows; {20, 1000, 4200}: large B)
        Rng rng = new Rng(13);
        for (int[] s : new int[][] {{4100, 70, 300}, {301, 517, 389}, {20, 1000, 4200}}) {
            for (int trans = 0; trans < 4; trans++) {
                Problem pr = Problem.random(rng, (trans & 1) != 0, (trans & 2) != 0, s[0], s[1], s[2], 1, false);
                float[] one = pr.c().clone(), two = pr.c().clone();
                Parallel.setThreads(1);
                pr.runGemm(one, trans % 2 == 0);
                Parallel.setThreads(2);
                pr.runGemm(two, trans % 2 == 0);
                pr.verify(one, trans % 2 == 0);
                assertThat(two).as("%s", pr).isEqualTo(one);
            }
        }
    }

    @Test
    void rowInitialisedMultipliesEqualFillingThenAccumulatingOnEveryPath() {
        // decode rows (1, 12), shared panels (301), the task grid (n > NC: 1100; tiny work: 5 x 7 x 3),
        // row slabs (4100 rows at 1 and 2 threads), k past one KC block
        Rng rng = new Rng(17);
        int[][] shapes = {{1, 70, 300}, {12, 70, 300}, {301, 517, 389}, {160, 1100, 300}, {5, 7, 3}, {4100, 70, 300}};
        for (int[] s : shapes) {
            for (int trans = 0; trans < 4; trans++) {
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    Problem pr = Problem.random(rng, (trans & 1) != 0, (trans & 2) != 0, s[0], s[1], s[2], 1, false);
                    float[] init = gaussian(rng, s[1] + 2);
                    float[] filled = pr.c().clone(), fused = pr.c().clone();
                    for (int i = 0; i < pr.m(); i++) System.arraycopy(init, 2, filled, pr.cOff() + i * pr.ldc(), pr.n());
                    Gemm.sgemm(pr.ta(), pr.tb(), pr.m(), pr.n(), pr.k(), pr.a(), pr.aOff(), pr.lda(), pr.b(), pr.bOff(), pr.ldb(),
                            filled, pr.cOff(), pr.ldc(), true);
                    Gemm.sgemmRowInit(pr.ta(), pr.tb(), pr.m(), pr.n(), pr.k(), pr.a(), pr.aOff(), pr.lda(), pr.b(), pr.bOff(),
                            pr.ldb(), init, 2, fused, pr.cOff(), pr.ldc());
                    assertThat(fused).as("%s on %d threads", pr, threads).isEqualTo(filled);
                }
            }
        }
    }

    @Test
    void batchedDecodeShapesAreExactAndIndependentOfTheThreadCount() {
        // 9..16 rows times a transposed weight: LaneRowsGemm (rows in lanes), column remainders included
        Rng rng = new Rng(21);
        for (int[] s : new int[][] {{16, 1000, 389}, {9, 77, 384}, {12, 517, 7}, {16, 23, 1}}) {
            for (boolean ta : new boolean[] {false, true}) {
                Problem pr = Problem.random(rng, ta, true, s[0], s[1], s[2], 1, false);
                float[] one = pr.c().clone(), two = pr.c().clone();
                Parallel.setThreads(1);
                pr.runGemm(one, true);
                Parallel.setThreads(2);
                pr.runGemm(two, true);
                assertThat(two).as("%s", pr).isEqualTo(one);
                pr.verify(one, true);
            }
        }
    }

    @Test
    void fewRowTransposedBResultsDoNotDependOnTheColumnSplit() {
        // SmallGemm's 4x4 dot blocks and its single dot products must fold lanes identically
        Rng rng = new Rng(13);
        for (int m : new int[] {1, 2, 4, 5, 16}) {
            for (int k : new int[] {7, 16, 48, 389}) {
                int n = 23;
                float[] x = new float[m * k], b = new float[n * k];
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
                float[] whole = new float[m * n], split = new float[m * n];
                SmallGemm.dotsTransB(x, 0, k, m, k, b, 0, k, whole, 0, n, 0, n, false);
                // ranges starting off the 4-column grid put every column in a different group
                SmallGemm.dotsTransB(x, 0, k, m, k, b, 0, k, split, 0, n, 0, 1, false);
                SmallGemm.dotsTransB(x, 0, k, m, k, b, 0, k, split, 0, n, 1, 6, false);
                SmallGemm.dotsTransB(x, 0, k, m, k, b, 0, k, split, 0, n, 6, n, false);
                assertThat(split).as("m=%d k=%d", m, k).isEqualTo(whole);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = 0;
                        for (int p = 0; p < k; p++) want += (double) x[i * k + p] * b[j * k + p];
                        assertThat((double) whole[i * n + j]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4 * (k + Math.abs(want))));
                    }
                }
            }
        }
    }

    @Test
    void kZeroClearsOrKeepsC() {
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true);
        assertThat(c).containsExactly(1, 2, 3, 4);
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false);
        assertThat(c).containsExactly(0, 0, 0, 0);
    }

    @Test
    void operandsTooSmallForTheirShapeAreRejected() {
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 4, 4, 4, new float[15], 0, 4, new float[16], 0, 4, new float[16], 0, 4, false))
                .hasMessageContaining("A").hasMessageContaining("16");
        assertThatThrownBy(() -> Gemm.sgemm(false, true, 4, 4, 4, new float[16], 0, 4, new float[16], 0, 3, new float[16], 0, 4, false))
                .hasMessageContaining("B: leading dimension 3");
    }
}
