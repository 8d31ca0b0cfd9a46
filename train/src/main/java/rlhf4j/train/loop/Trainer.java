package rlhf4j.train.loop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;
import rlhf4j.train.optim.AdamW;
import rlhf4j.train.optim.GradClip;
import rlhf4j.train.optim.Grads;
import rlhf4j.train.optim.LrSchedule;

/**
 * The one training loop: accumulate gradients over micro-batches, clip, step AdamW on the
 * schedule, log, evaluate, sample, checkpoint — and stop cleanly on SIGINT/SIGTERM with a
 * checkpoint, from which {@code --resume} continues bit-exactly. Stages differ only in the
 * {@link Stage} they hand it.
 */
public final class Trainer {
    /** What the run ended with. */
    public record Outcome(long steps, boolean interrupted, Map<String, Double> finalEval, double seconds) {
    }

    private final Stage stage;
    private final LoopConfig config;
    private final Path runDir;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    public Trainer(Stage stage, LoopConfig config, Path runDir) {
        this.stage = stage;
        this.config = config;
        this.runDir = runDir;
        if (config.threads() > 0) Parallel.setThreads(config.threads());
        stage.model().setGradientCheckpointing(config.gradCheckpoint());
        this.optimizer = new AdamW(stage.trainable(), new AdamW.Hyper((float) config.lr(), (float) config.beta1(),
                (float) config.beta2(), 1e-8f, (float) config.weightDecay()));
        long warm = Math.min(config.warmup(), config.steps());
        this.schedule = switch (config.schedule()) {
            case "constant" -> new LrSchedule.Constant(config.lr());
            case "linear" -> new LrSchedule.WarmupLinear(config.lr(), warm, config.steps(), config.minLrRatio());
            default -> new LrSchedule.WarmupCosine(config.lr(), warm, config.steps(), config.minLrRatio());
        };
    }

    /** Asks the loop to checkpoint and stop after the current step (what SIGINT does). */
    public void requestStop() {
        stopRequested.set(true);
    }

    public Outcome run(boolean resume) {
        long start = 0, optimizerSteps = 0;
        int bad = 0;
        if (resume && Checkpoint.exists(runDir)) {
            Checkpoint.State s = Checkpoint.load(runDir, stage, optimizer);
            stage.restoreState(s.stageState());
            start = s.step();
            bad = s.badSteps();
            System.err.printf("%s: resuming at step %d of %d%n", stage.name(), start, config.steps());
        }
        List<Tensor> params = stage.trainable();
        ProgressLine progress = new ProgressLine(stage.name(), start, config.steps());
        long t0 = System.nanoTime();
        long tokens = start * config.gradAccum() * (long) stage.tokensPerMicroStep(); // trained on before a resume
        double lastLoss = Double.NaN;
        boolean interrupted = false;
        try (MetricsLog metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), resume ? start : -1);
             SignalStop signals = SignalStop.install(this::requestStop)) {
            long windowStart = System.nanoTime();
            long windowTokens = 0;
            for (long step = start; step < config.steps(); step++) {
                double lr = schedule.lr(step);
                Grads.zeroGrads(params);
                double lossSum = 0;
                boolean finite = true;
                for (int m = 0; m < config.gradAccum() && finite; m++) {
                    try (Tape tape = Tape.record()) {
                        float l = stage.microStep(tape, 1f / config.gradAccum());
                        finite = Float.isFinite(l);
                        lossSum += l;
                    }
                    windowTokens += stage.tokensPerMicroStep();
                    tokens += stage.tokensPerMicroStep();
                }
                double norm = finite ? (config.clip() > 0 ? GradClip.clip(params, (float) config.clip()) : GradClip.globalNorm(params)) : Double.NaN;
                if (!finite || !Double.isFinite(norm)) {
                    bad++;
                    progress.note(String.format("%s step %d: non-finite loss or gradient (loss %s, grad norm %s), step skipped (%d in a row)",
                            stage.name(), step + 1, lossSum, norm, bad));
                    metrics.log(step + 1, Map.of("skipped", true, "loss", String.valueOf(lossSum)));
                    if (bad > config.maxBadSteps()) {
                        throw new IllegalStateException(stage.name() + ": " + bad + " non-finite steps in a row; stopping. "
                                + "The last good checkpoint is in " + runDir + "; lower train.lr or check the data.");
                    }
                    continue;
                }
                bad = 0;
                optimizer.step((float) lr);
                optimizerSteps++;
                lastLoss = lossSum / config.gradAccum();
                long done = step + 1;
                if (done % config.logEvery() == 0 || done == config.steps()) {
                    double secs = (System.nanoTime() - windowStart) / 1e9;
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("loss", lastLoss);
                    row.put("lr", lr);
                    row.put("grad_norm", norm);
                    row.put("tokens_per_s", windowTokens / secs);
                    row.put("tokens", tokens);
                    row.putAll(stage.trainMetrics());
                    metrics.log(done, row);
                    progress.update(done, String.format("loss %.4f | %,.0f tok/s | lr %.2e", lastLoss, windowTokens / secs, lr));
                    windowStart = System.nanoTime();
                    windowTokens = 0;
                }
                if (config.evalEvery() > 0 && done % config.evalEvery() == 0 && done < config.steps()) {
                    Map<String, Double> eval = stage.evaluate();
                    metrics.log(done, eval);
                    progress.note(stage.name() + " step " + done + ": " + format(eval));
                }
                if (config.sampleEvery() > 0 && done % config.sampleEvery() == 0 && done < config.steps()) {
                    for (String s : stage.samples(done)) progress.note("  sample: " + s.replace("\n", "\\n"));
                }
                boolean stop = stopRequested.get();
                if (stop || (config.checkpointEvery() > 0 && done % config.checkpointEvery() == 0) || done == config.steps()) {
                    Checkpoint.save(runDir, stage, optimizer, new Checkpoint.State(done, optimizerSteps, bad, stage.saveState()));
                }
                if (stop) {
                    progress.note(stage.name() + ": stopped at step " + done + "; checkpoint saved — run again with --resume to continue");
                    interrupted = true;
                    start = done;
                    break;
                }
                start = done;
            }
            Map<String, Double> finalEval = interrupted ? Map.of() : stage.evaluate();
            if (!interrupted) {
                metrics.log(config.steps(), finalEval);
                progress.note(stage.name() + " final: " + format(finalEval));
                for (String s : stage.samples(config.steps())) progress.note("  sample: " + s.replace("\n", "\\n"));
            }
            return new Outcome(start, interrupted, finalEval, (System.nanoTime() - t0) / 1e9);
        }
    }

    public AdamW optimizer() {
        return optimizer;
    }

    static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format("%.4f", v)));
        return sb.toString();
    }
}
