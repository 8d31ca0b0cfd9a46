package rlhf4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Placeholder: the matmul benchmark lands with the GEMM kernel. */
@Command(name = "matmul", description = "GFLOP/s of C = A·B for M×K by K×N float32 matrices.")
final class BenchMatmulCommand implements Runnable {
    @Option(names = "--m", defaultValue = "1024") int m;
    @Option(names = "--n", defaultValue = "1024") int n;
    @Option(names = "--k", defaultValue = "1024") int k;

    @Override
    public void run() {
        throw new UnsupportedOperationException("bench matmul lands with the GEMM kernel");
    }
}
