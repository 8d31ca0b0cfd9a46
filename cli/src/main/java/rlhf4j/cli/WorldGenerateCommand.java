package rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.data.world.WorldFiles;
import rlhf4j.data.world.WorldSize;

import java.nio.file.Path;

/** {@code rlhf4j world generate --out DIR}: writes corpus, SFT, RL prompts, eval set and world.json. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a seeded synthetic world: corpus.jsonl, sft.jsonl, rl_prompts.jsonl, eval.jsonl, world.json.")
final class WorldGenerateCommand implements Runnable {
    @Option(names = "--out", required = true, description = "Directory to write into (created if missing).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed; the same seed writes byte-identical files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "default", description = "tiny, default or large (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--people", description = "Override the preset's number of people.")
    Integer people;

    @Option(names = "--repeats", description = "Override how many story/paraphrase documents restate each person's facts.")
    Integer repeats;

    @Option(names = "--chatty-demos", description = "Share of SFT demonstrations padded with chatter the gold judge dislikes, in [0, 1] (presets: 0.4).")
    Double chattyDemos;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        try {
            execute();
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // A user's mistake (unknown size, missing world, malformed line): say what, not a stack trace.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void execute() {
        long t0 = System.nanoTime();
        WorldSize ws = WorldSize.parse(size);
        if (people != null) ws = ws.withPeople(people);
        if (repeats != null) ws = ws.withRepeats(repeats);
        if (chattyDemos != null) ws = ws.withChattyDemos(chattyDemos);
        WorldFiles.Summary s = WorldFiles.generate(out, seed, ws);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.print(WorldFiles.readmeOf(s));
        System.out.printf("wrote %s in %.2f s%n", out, secs);
    }
}
