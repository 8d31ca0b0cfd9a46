package rlhf4j.train.optim;

import java.util.List;
import rlhf4j.tensor.Tensor;

/**
 * A fixed split of a parameter list, flattened end to end, into chunks of at most {@link #CHUNK}
 * elements that never straddle two parameters. The split depends only on the parameter sizes (not
 * on the thread count), so a reduction summed per chunk and then over chunks in order is
 * bit-identical whatever the number of threads.
 */
final class ParamChunks {
    /** Elements per chunk: 32K floats (128 KiB per array) keeps each task's working set in L2. */
    static final int CHUNK = 1 << 15;

    /** Chunk c covers elements [from[c], to[c]) of parameter param[c]. */
    final int[] param, from, to;

    ParamChunks(List<Tensor> params) {
        int n = 0;
        for (Tensor p : params) n += (p.size() + CHUNK - 1) / CHUNK;
        param = new int[n];
        from = new int[n];
        to = new int[n];
        int c = 0;
        for (int i = 0; i < params.size(); i++) {
            int size = params.get(i).size();
            for (int lo = 0; lo < size; lo += CHUNK) {
                param[c] = i;
                from[c] = lo;
                to[c] = Math.min(size, lo + CHUNK);
                c++;
            }
        }
    }

    int count() {
        return param.length;
    }
}
