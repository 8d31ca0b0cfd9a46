package rlhf4j.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math whose results do not depend on how the JIT happened to compile the caller.
 *
 * <p>The Vector API's own {@code lanewise(EXP)} runs a per-lane {@code Math.exp} while a method is
 * interpreted and a different (SVML) routine once C2 compiles it; {@code reduceLanes(ADD)} adds
 * lanes in an unspecified order that also changes with compilation. Either makes two runs of the
 * same training differ in the last bits depending on when compilation kicked in. Everything here is
 * built from IEEE-exact lane operations (add, mul, fma, compare, convert), so interpreted and
 * compiled code agree to the bit.
 */
public final class VectorMath {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;          // ln 2 split so n·LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;              // 1.5·2^23: adding it rounds to an integer
    private static final float MAX_ARG = 88.3762626647949f;    // exp overflows above
    private static final float MIN_ARG = -87.3365478515625f;   // exp underflows to subnormal below

    private VectorMath() {
    }

    /**
     * e^x per lane, within 2 ulp of {@code Math.exp} over the float range; exp(−∞) = 0,
     * exp(+∞) = +∞, NaN stays NaN. Cody–Waite reduction x = n·ln2 + r, then a degree-7 Taylor
     * polynomial on |r| ≤ ln2/2 and a 2^n built from the exponent bits.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(MIN_ARG).min(MAX_ARG);
        FloatVector t = xc.fma(FloatVector.broadcast(x.species(), LOG2E), FloatVector.broadcast(x.species(), ROUND));
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(x.species(), -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(x.species(), -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(x.species(), 1f / 5040f);
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 720f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 120f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 0.5f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f));
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector y = p.mul(bits.reinterpretAsFloats());
        VectorMask<Float> under = x.compare(VectorOperators.LT, MIN_ARG);
        VectorMask<Float> over = x.compare(VectorOperators.GT, MAX_ARG);
        VectorMask<Float> nan = x.test(VectorOperators.IS_NAN);
        return y.blend(0f, under).blend(Float.POSITIVE_INFINITY, over).blend(x, nan);
    }

    /**
     * a[off, off + n) ← e^a in place, with the same bits as {@link #exp(FloatVector)}; n is a
     * multiple of the preferred species' length.
     *
     * <p>Why an array form beside the vector one: C2 stops inlining our own methods into a method
     * it compiles once that method has grown past its node budget, and how far a large kernel grows
     * depends on the profile left by everything that ran before it. A call left standing that passes
     * or returns a vector boxes it on the heap at every call: after some test orders the attention
     * backward allocated about 9 MB per training step that way. This form passes only an array, so a
     * call left standing costs a call. The polynomial is written out here rather than shared through
     * a vector-taking helper for the same reason; a test checks that both forms agree bit for bit.
     */
    public static void expInPlace(float[] a, int off, int n) {
        VectorSpecies<Float> f = FloatVector.SPECIES_PREFERRED;
        for (int i = 0; i < n; i += f.length()) {
            FloatVector x = FloatVector.fromArray(f, a, off + i);
            FloatVector xc = x.max(MIN_ARG).min(MAX_ARG);
            FloatVector t = xc.fma(FloatVector.broadcast(f, LOG2E), FloatVector.broadcast(f, ROUND));
            FloatVector m = t.sub(ROUND);
            FloatVector r = m.fma(FloatVector.broadcast(f, -LN2_HI), xc);
            r = m.fma(FloatVector.broadcast(f, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(f, 1f / 5040f);
            p = p.fma(r, FloatVector.broadcast(f, 1f / 720f));
            p = p.fma(r, FloatVector.broadcast(f, 1f / 120f));
            p = p.fma(r, FloatVector.broadcast(f, 1f / 24f));
            p = p.fma(r, FloatVector.broadcast(f, 1f / 6f));
            p = p.fma(r, FloatVector.broadcast(f, 0.5f));
            p = p.fma(r, FloatVector.broadcast(f, 1f));
            p = p.fma(r, FloatVector.broadcast(f, 1f));
            IntVector bits = ((IntVector) m.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector y = p.mul(bits.reinterpretAsFloats());
            VectorMask<Float> under = x.compare(VectorOperators.LT, MIN_ARG);
            VectorMask<Float> over = x.compare(VectorOperators.GT, MAX_ARG);
            VectorMask<Float> nan = x.test(VectorOperators.IS_NAN);
            y.blend(0f, under).blend(Float.POSITIVE_INFINITY, over).blend(x, nan).intoArray(a, off + i);
        }
    }

    /**
     * Σ a[off, off + n), n a multiple of the preferred species' length: the vectors added in order
     * into one accumulator, whose lanes are then added first to last; the same bits as
     * {@link #sum(FloatVector)} of that accumulator, through an array for the reason given at
     * {@link #expInPlace}.
     */
    public static float sumVectors(float[] a, int off, int n) {
        VectorSpecies<Float> f = FloatVector.SPECIES_PREFERRED;
        FloatVector acc = FloatVector.zero(f);
        for (int i = 0; i < n; i += f.length()) acc = acc.add(FloatVector.fromArray(f, a, off + i));
        float s = 0f;
        for (int l = 0; l < f.length(); l++) s += acc.lane(l);
        return s;
    }

    /** Σ of the lanes, added first to last (the same order whatever the JIT does). */
    public static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

    /** Σ of the lanes, added first to last. */
    public static double sum(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
