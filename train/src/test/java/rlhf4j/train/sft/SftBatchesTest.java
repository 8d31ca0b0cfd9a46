package rlhf4j.train.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf4j.data.sft.SftDataset;
import rlhf4j.model.Transformer;
import rlhf4j.tensor.Tensor;
import rlhf4j.tokenizer.ChatTemplate;

class SftBatchesTest {
    private static List<SftExample> examples(Path tmp, int n) throws Exception {
        ChatTemplate template = new ChatTemplate(SftFixtures.byteChatTokenizer());
        List<SftExample> out = new ArrayList<>();
        for (SftDataset.Conversation c : SftDataset.read(SftFixtures.writeConversations(tmp.resolve("c.jsonl"), n, 5))) {
            out.add(SftExample.of(template, c.messages(), 64));
        }
        return out;
    }

    @Test
    void packedRowsGiveTheSameLossAndHiddenStatesAsEachConversationAlone(@TempDir Path tmp) throws Exception {
        List<SftExample> ex = examples(tmp, 12);
        Transformer m = SftFixtures.model(1);
        int batch = 2, seqLen = 64;
        List<SftBatches.Batch> packed = SftBatches.fixed(ex, batch, seqLen, true);
        assertThat(packed.size()).as("several conversations share a row").isLessThan(ex.size() / batch);

        double packedNats = 0, aloneNats = 0;
        long packedCount = 0, aloneCount = 0;
        int v = SftFixtures.VOCAB, d = m.config().dModel();
        int next = 0;
        for (SftBatches.Batch b : packed) {
            int n = count(b.targets());
            packedNats += m.loss(b.ids(), b.targets(), batch, seqLen, b.segments(), null, SftExample.IGNORE).item() * (double) n;
            packedCount += n;
            float[] hidden = m.hidden(b.ids(), batch, seqLen, b.segments()).data();
            // each conversation run alone, unpadded: its hidden states must match its span of the packed row
            for (int pos = 0; pos < batch * seqLen; ) {
                if (b.segments()[pos] < 0) {
                    pos++;
                    continue;
                }
                SftExample e = ex.get(next++);
                float[] alone = m.hidden(e.ids(), 1, e.length(), null).data();
                for (int i = 0; i < e.length() * d; i++) {
                    assertThat(hidden[pos * d + i]).as("conversation %d, value %d", next - 1, i).isCloseTo(alone[i], within(1e-4f));
                }
                pos += e.length();
            }
        }
        assertThat(next).isEqualTo(ex.size());
        for (SftExample e : ex) {
            int n = e.trainedTokens();
            aloneNats += m.loss(e.ids(), e.targets(), 1, e.length(), null, null, SftExample.IGNORE).item() * (double) n;
            aloneCount += n;
        }
        assertThat(packedCount).isEqualTo(aloneCount);
        assertThat(packedNats / packedCount).isCloseTo(aloneNats / aloneCount, within(1e-5));
        // and without the segment ids, packing would change the answer: attention would cross conversations
        SftBatches.Batch first = packed.get(0);
        Tensor crossing = m.loss(first.ids(), first.targets(), batch, seqLen, null, null, SftExample.IGNORE);
        Tensor kept = m.loss(first.ids(), first.targets(), batch, seqLen, first.segments(), null, SftExample.IGNORE);
        assertThat(crossing.item()).isNotEqualTo(kept.item());
    }

    @Test
    void unpackedRowsHoldOneConversationEach(@TempDir Path tmp) throws Exception {
        List<SftExample> ex = examples(tmp, 5);
        List<SftBatches.Batch> rows = SftBatches.fixed(ex, 2, 64, false);
        assertThat(rows).hasSize(3);
        for (SftBatches.Batch b : rows) for (int s : b.segments()) assertThat(s).isLessThanOrEqualTo(0);
    }

    @Test
    void restoringThePositionRepeatsTheSameBatches(@TempDir Path tmp) throws Exception {
        List<SftExample> ex = examples(tmp, 30);
        SftBatches a = new SftBatches(ex, 2, 64, true, 9);
        for (int i = 0; i < 7; i++) a.next(); // crosses an epoch boundary
        assertThat(a.epoch()).isGreaterThan(0);
        SftBatches b = new SftBatches(ex, 2, 64, true, 9);
        b.restore(a.epoch(), a.cursor(), a.epochRngState());
        for (int i = 0; i < 10; i++) {
            SftBatches.Batch x = a.next(), y = b.next();
            assertThat(y.ids()).isEqualTo(x.ids());
            assertThat(y.targets()).isEqualTo(x.targets());
            assertThat(y.segments()).isEqualTo(x.segments());
        }
    }

    private static int count(int[] targets) {
        int n = 0;
        for (int t : targets) if (t != SftExample.IGNORE) n++;
        return n;
    }
}
