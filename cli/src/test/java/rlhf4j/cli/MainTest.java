package rlhf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void aUsersMistakeGetsItsMessageAndExitCode2NotAStackTrace() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err, true)).execute("ppo");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("rlhf4j ppo: set model.policy").doesNotContain("\tat ");
    }

    @Test
    void sharedRunOptionsResolveTheConfigAndDefaultTheRunFolder() {
        RunOptions run = new RunOptions();
        assertThat(run.out("dpo")).hasToString("runs/dpo");
        run.sets.add("dpo.beta=0.3");
        assertThat(run.resolve(rlhf4j.train.dpo.DpoConfig.defaults(), rlhf4j.train.dpo.DpoConfig.class).dpo().beta()).isEqualTo(0.3);
    }
}
