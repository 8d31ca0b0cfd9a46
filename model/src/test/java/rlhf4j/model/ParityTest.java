package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tape;
import rlhf4j.tensor.Tensor;

/**
 * The whole model against PyTorch: fixtures made by scripts/parity/make_fixtures.py (a tiny model
 * of each family, forward and backward in float64) hold the weights, a batch, the logits, the loss
 * and every parameter's gradient. Passes when each value is within ATOL + RTOL·|expected|.
 */
class ParityTest {
    static final double ATOL = 1e-4, RTOL = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void logitsLossAndEveryGradientMatchPyTorch(String family) throws URISyntaxException {
        Path dir = Path.of(ParityTest.class.getResource("/parity/" + family).toURI());
        Transformer model = ModelIO.load(dir);
        List<String> failures = new ArrayList<>();
        try (Safetensors.Reader fixture = Safetensors.open(dir.resolve("fixture.safetensors"))) {
            int[] shape = fixture.entry("ids").shape();
            int batch = shape[0], seqLen = shape[1];
            int[] ids = fixture.ints("ids"), targets = fixture.ints("targets");
            int ignore = Integer.parseInt(fixture.metadata().get("ignore_index"));
            float loss;
            try (Tape tape = Tape.record()) {
                Tensor logits = model.logits(model.hidden(ids, batch, seqLen, null));
                Tensor lossTensor = Ops.crossEntropy(logits, targets, null, ignore);
                tape.backward(lossTensor);
                loss = lossTensor.item();
                compare(family + " logits", logits.data(), fixture.floats("logits"), failures);
            }
            compare(family + " loss", new float[] {loss}, fixture.floats("loss"), failures);
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                Tensor p = e.getValue();
                Tensor grad = Tensor.of(p.grad(), p.shape());
                // the fixture holds gradients in the on-disk layout (GPT-2 Conv1D: [in, out])
                if (model.storedTransposed(e.getKey())) grad = ModelIO.transpose(grad);
                compare("grad." + e.getKey(), grad.data(), fixture.floats("grad." + e.getKey()), failures);
            }
            // the loss() convenience computes the same number
            float again = model.loss(ids, targets, batch, seqLen, null, ignore).item();
            assertThat(again).isEqualTo(loss);
        }
        assertThat(failures).as("tensors outside atol %s + rtol %s·|expected|", ATOL, RTOL).isEmpty();
    }

    private static void compare(String name, float[] actual, float[] expected, List<String> failures) {
        assertThat(actual).as(name).hasSameSizeAs(expected);
        double maxAbs = 0, maxRel = 0;
        int worst = -1;
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            maxAbs = Math.max(maxAbs, diff);
            maxRel = Math.max(maxRel, diff / Math.max(Math.abs(expected[i]), 1e-6));
            if (diff > ATOL + RTOL * Math.abs(expected[i]) && worst < 0) worst = i;
        }
        System.out.printf("%-48s max abs %.2e  max rel %.2e%n", name, maxAbs, maxRel);
        if (worst >= 0) failures.add(name + "[" + worst + "]: " + actual[worst] + " vs " + expected[worst]);
    }
}
